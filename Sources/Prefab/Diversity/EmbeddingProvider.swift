/// Anything that turns texts into embedding vectors: an OpenAI-compatible `/v1/embeddings`
/// endpoint (llama.cpp's server, vLLM, OpenAI), or `HashingEmbedder` offline.
///
/// The embedding metrics (`VendiScore`, `EmbeddingClusterCount`) take plain vectors, so they can
/// also be fed embeddings computed elsewhere; this protocol is what `DiversityAnalyzer` calls to
/// get them for a corpus.
public protocol EmbeddingProvider: Sendable {
    /// A short name for reports, such as the model id.
    var embeddingModelName: String { get }
    /// Largest number of texts to send in one call.
    var maximumBatchSize: Int { get }
    /// One vector per text, in the order given, all of one dimension.
    func embed(_ texts: [String]) async throws -> [[Float]]
}

extension EmbeddingProvider {
    public var maximumBatchSize: Int { 64 }

    /// Embeds a whole corpus in batches of `maximumBatchSize`, at most `concurrency` batches in
    /// flight, and checks that every batch came back complete.
    public func embedAll(_ texts: [String], concurrency: Int = 4) async throws -> [[Float]] {
        try await embedAll(texts, concurrency: concurrency) { _ in }
    }

    /// `embedAll`, telling `embedded` the running count of texts embedded after each batch (for
    /// the progress display).
    package func embedAll(_ texts: [String], concurrency: Int, embedded: (Int) -> Void) async throws -> [[Float]] {
        let batchSize = max(1, maximumBatchSize)
        let starts = Array(stride(from: 0, to: texts.count, by: batchSize))
        var results = [[[Float]]](repeating: [], count: starts.count)
        var count = 0
        try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
            var next = 0
            func launch() {
                guard next < starts.count else { return }
                let batch = next
                let slice = Array(texts[starts[batch]..<min(starts[batch] + batchSize, texts.count)])
                group.addTask {
                    let vectors = try await self.embed(slice)
                    guard vectors.count == slice.count else {
                        throw DiversityError.embeddingCountMismatch(sent: slice.count, received: vectors.count)
                    }
                    return (batch, vectors)
                }
                next += 1
            }
            for _ in 0..<max(1, concurrency) { launch() }
            while let (batch, vectors) = try await group.next() {
                results[batch] = vectors
                count += vectors.count
                embedded(count)
                launch()
            }
        }
        return results.flatMap { $0 }
    }
}

/// A report's embedding metrics against an endpoint whose server is not there fail as a call
/// would, and become a note beside the metric.
extension UnavailableEndpoint: EmbeddingProvider {
    public var embeddingModelName: String { name }

    public func embed(_ texts: [String]) async throws -> [[Float]] { throw reason }
}
