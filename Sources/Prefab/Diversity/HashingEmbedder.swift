/// A deterministic, offline embedding: the hashing trick over a document's words and word
/// pairs, scaled to unit length.
///
/// Each unigram and bigram (tokens from `DiversityTokenizer`) is hashed with 64-bit FNV-1a into
/// one of `dimension` buckets and a sign, and the signed counts form the vector. Cosine
/// similarity between two such vectors approximates the overlap of their word and word-pair
/// multisets. It measures wording, not meaning: two paraphrases look different to it. Use it
/// when no embedding endpoint is at hand, or in tests; report it as "hashing-BoW", never as a
/// semantic embedding. A document with no tokens gets the vector e₀, so all empty documents
/// are one point.
public struct HashingEmbedder: EmbeddingProvider {
    public let dimension: Int

    public init(dimension: Int = 256) {
        precondition(dimension >= 1)
        self.dimension = dimension
    }

    public var embeddingModelName: String { "hashing-BoW-\(dimension)" }
    public var maximumBatchSize: Int { 4096 }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map(vector)
    }

    /// The unit vector for one text.
    public func vector(_ text: String) -> [Float] {
        let tokens = DiversityTokenizer.tokens(text)
        var vector = [Float](repeating: 0, count: dimension)
        guard !tokens.isEmpty else {
            vector[0] = 1
            return vector
        }
        func add(_ feature: String) {
            let hash = Self.fnv1a(feature)
            let bucket = Int(hash % UInt64(dimension))
            vector[bucket] += (hash >> 63) == 0 ? 1 : -1
        }
        for (index, token) in tokens.enumerated() {
            add(token)
            if index > 0 { add(tokens[index - 1] + " " + token) }
        }
        var norm2: Float = 0
        for value in vector { norm2 += value * value }
        if norm2 == 0 {
            // Every feature cancelled out: rare, but a direction is still needed.
            vector[Int(Self.fnv1a(tokens.joined(separator: " ")) % UInt64(dimension))] = 1
            return vector
        }
        let inverse = 1 / norm2.squareRoot()
        return vector.map { $0 * inverse }
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
