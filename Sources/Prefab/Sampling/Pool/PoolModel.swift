/// One model of the sampling pool, as the config names it:
///
/// ```yaml
/// - name: smollm-warm            # the name records and reports use
///   endpoint: local              # an entry of the config's `endpoints:` block
///   model: smollm2-135m-instruct # optional: overrides the endpoint's model id
///   parameters: {temperature: 1.0, top_p: 0.95, max_tokens: 512}
///   weight: 2                    # how often k-of-N selection picks it (default 1)
///   limits: {max_concurrent: 4}  # optional
/// ```
///
/// Several pool models may share one endpoint (the same server at different temperatures, or
/// different model ids behind one gateway).
public struct PoolModel: Codable, Hashable, Sendable {
    public var name: String
    public var endpoint: String
    /// The model id sent to the server; nil uses the endpoint's.
    public var model: String?
    /// Generation parameters; unset fields come from the endpoint's defaults.
    public var parameters: GenerationParameters = GenerationParameters()
    public var weight: Double = 1
    public var limits: ModelLimits = ModelLimits()

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, endpoint, model, parameters, weight, limits
    }
}

/// Decoding sits in an extension so the struct keeps its synthesized memberwise initializer.
extension PoolModel {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        endpoint = try c.decode(String.self, forKey: .endpoint)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        parameters = try c.decodeIfPresent(GenerationParameters.self, forKey: .parameters) ?? GenerationParameters()
        weight = try c.decodeIfPresent(Double.self, forKey: .weight) ?? 1
        limits = try c.decodeIfPresent(ModelLimits.self, forKey: .limits) ?? ModelLimits()
        if name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "a model needs a non-empty name")
        }
        if !(weight > 0 && weight.isFinite) {
            throw DecodingError.dataCorruptedError(
                forKey: .weight, in: c, debugDescription: "weight must be a finite number > 0, not \(weight)")
        }
        // The sampler sets these per request: a model's own value would be silently replaced.
        func refuse(_ parameter: String, _ message: String) -> DecodingError {
            .dataCorrupted(DecodingError.Context(
                codingPath: c.codingPath + [CodingKeys.parameters, ConfigKey(stringValue: parameter)], debugDescription: message))
        }
        if parameters.n != nil {
            throw refuse("n", "set samples with the pool's samples_per_model (or best_of_n), not parameters.n: "
                + "each sample is its own request with its own seed")
        }
        if parameters.seed != nil {
            throw refuse("seed", "request seeds derive from the run's seed, prompt id and sample index; set the top-level seed instead")
        }
    }
}
