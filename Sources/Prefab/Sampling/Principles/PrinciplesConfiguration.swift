/// The `principles:` block of a sampling or run config:
///
/// ```yaml
/// principles:
///   directory: rubrics/principles     # optional; relative to the config file
///   mix:
///     default: {helpfulness: 0.25, honesty: 0.25, truthfulness: 0.25, verbalized_calibration: 0.25}
///     flan: {helpfulness: 0.8, verbalized_calibration: 0.2}
/// ```
///
/// A prompt uses the mix named by its `source`, else `default`, else every loaded principle
/// equally often. The name `none` stands for "no system prompt".
public struct PrinciplesConfiguration: Codable, Hashable, Sendable {
    /// The directory of principle files. Nil means the bundled `rubrics/principles`.
    public var directory: String?
    /// Source name → mix; the key `default` applies to every source without its own entry.
    public var mix: [String: PrincipleMix]

    public static let defaultDirectory = "rubrics/principles"
    public static let defaultMixName = "default"

    public init(directory: String? = nil, mix: [String: PrincipleMix] = [:]) {
        self.directory = directory
        self.mix = mix
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case directory, mix
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        directory = try c.decodeIfPresent(String.self, forKey: .directory)
        mix = try c.decodeIfPresent([String: PrincipleMix].self, forKey: .mix) ?? [:]
    }

    /// The mix for prompts from `source`.
    public func mix(for source: String, library: PrincipleLibrary) -> PrincipleMix {
        mix[source] ?? mix[Self.defaultMixName] ?? .uniform(over: library)
    }
}
