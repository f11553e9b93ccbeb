/// Homogenization (Padmakumar & He, 2024): the mean pairwise ROUGE-L F1 between documents of a
/// seeded random sample of the corpus.
///
/// Exactly what is computed: `sampleSize` documents (default 100; all of them when the corpus is
/// smaller) are drawn without replacement by `DiversityRandomSource(seed:)`; ROUGE-L F1 (see
/// `RougeL`) is computed for every unordered pair of them; the score is the mean over the
/// s·(s−1)/2 pairs. Documents longer than `maxTokens` tokens (default 512) are cut to their
/// first `maxTokens`, which bounds the cost of each pair.
///
/// How to read it: 0 means no two sampled documents share even one word in order; 1 means all
/// are identical. Lower is more diverse. Same seed and sample size, same figure.
public struct Homogenization: Sendable, Codable, Equatable {
    /// Mean pairwise ROUGE-L F1.
    public let score: Double
    /// Documents actually sampled.
    public let sampleSize: Int
    /// Pairs averaged over.
    public let pairs: Int
    public let seed: UInt64

    public init(documents: [String], sampleSize: Int = 100, seed: UInt64 = 0, maxTokens: Int = 512) {
        self.init(corpus: TokenizedCorpus(documents), sampleSize: sampleSize, seed: seed, maxTokens: maxTokens)
    }

    init(corpus: TokenizedCorpus, sampleSize: Int = 100, seed: UInt64 = 0, maxTokens: Int = 512) {
        var random = DiversityRandomSource(seed: seed)
        let chosen = random.sample(sampleSize, from: corpus.documents.count)
            .map { Array(corpus.documents[$0].prefix(maxTokens)) }
        var total = 0.0
        var pairs = 0
        for i in chosen.indices {
            for j in (i + 1)..<chosen.count {
                total += RougeL.f1(chosen[i], chosen[j])
                pairs += 1
            }
        }
        self.score = pairs == 0 ? 0 : total / Double(pairs)
        self.sampleSize = chosen.count
        self.pairs = pairs
        self.seed = seed
    }
}
