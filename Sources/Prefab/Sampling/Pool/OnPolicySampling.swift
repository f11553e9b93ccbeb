/// On-policy sampling (Tulu 3): one answer per prompt comes from the policy being trained, the
/// others from the pool, so pairs compare the policy with other models. The policy's answer
/// lands at a seeded random position among the prompt's samples, so no judge or pairing rule
/// can learn "the first one is the policy".
///
/// ```yaml
/// on_policy: {policy: my-sft-checkpoint}   # a model of `pool.models`; never drawn as a pool model
/// ```
public struct OnPolicySampling: Codable, Hashable, Sendable {
    public var policy: String

    public init(policy: String) {
        self.policy = policy
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case policy
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        policy = try c.decode(String.self, forKey: .policy)
    }
}
