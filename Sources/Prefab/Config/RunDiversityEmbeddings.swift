/// The `embeddings:` entry of a run config's `diversity:` block: where the `vendi` and
/// `clusters` metrics get their vectors.
///
/// ```yaml
/// embeddings: {endpoint: local, batch_size: 32}
/// ```
///
/// `endpoint` names one of the run's `endpoints:` (an OpenAI-compatible server with
/// `/v1/embeddings`: llama.cpp's server started with `--embeddings`, which `provider: local`
/// is by default, vLLM, OpenAI); `model` overrides that endpoint's model id, so one server
/// entry can serve both a chat and an embedding model.
public struct RunDiversityEmbeddings: Codable, Hashable, Sendable {
    public var endpoint: String
    public var model: String?
    /// Texts per `/v1/embeddings` call.
    public var batchSize: Int = 32
    /// Calls in flight at once.
    public var concurrency: Int = 4
    /// Asks models that can shorten their vectors for this length.
    public var dimensions: Int?
    /// Cosine similarity at which `clusters` joins clusters.
    public var clusterThreshold: Double = 0.8

    enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint, model, concurrency, dimensions
        case batchSize = "batch_size"
        case clusterThreshold = "cluster_threshold"
    }
}

/// Decoding sits in an extension so the struct keeps its synthesized memberwise initializer.
extension RunDiversityEmbeddings {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        endpoint = try c.decode(String.self, forKey: .endpoint)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? 32
        concurrency = try c.decodeIfPresent(Int.self, forKey: .concurrency) ?? 4
        dimensions = try c.decodeIfPresent(Int.self, forKey: .dimensions)
        clusterThreshold = try c.decodeIfPresent(Double.self, forKey: .clusterThreshold) ?? 0.8
        func fail(_ key: CodingKeys, _ message: String) -> DecodingError {
            .dataCorruptedError(forKey: key, in: c, debugDescription: message)
        }
        if batchSize < 1 { throw fail(.batchSize, "must be at least 1") }
        if concurrency < 1 { throw fail(.concurrency, "must be at least 1") }
        if let dimensions, dimensions < 1 { throw fail(.dimensions, "must be at least 1") }
        if !(-1...1).contains(clusterThreshold) { throw fail(.clusterThreshold, "must be a cosine similarity within -1…1") }
    }
}
