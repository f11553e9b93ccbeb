/// Distinct-n (Li et al., 2016) over a whole corpus: for each n, the number of different n-grams
/// divided by the number of n-grams, counted across all documents (n-grams do not cross document
/// boundaries; tokens as `DiversityTokenizer` makes them).
///
/// How to read it: 1 means no n-gram ever repeats; values near 0 mean the corpus keeps saying
/// the same thing. Higher is more diverse. It falls as a corpus grows, so compare corpora of
/// similar size. `sum` adds distinct-1 … distinct-5 (range 0–5), the single figure the
/// synthetic-data diversity literature reports.
public struct DistinctN: Sendable, Codable, Equatable {
    /// `values[n - 1]` is distinct-n; 0 when the corpus has no n-gram of that length.
    public let values: [Double]
    /// Different n-grams per n.
    public let uniqueCounts: [Int]
    /// All n-grams per n.
    public let totalCounts: [Int]
    /// Sum of `values`.
    public let sum: Double

    public init(documents: [String], maxN: Int = 5) {
        self.init(corpus: TokenizedCorpus(documents), maxN: maxN)
    }

    init(corpus: TokenizedCorpus, maxN: Int = 5) {
        precondition(maxN >= 1 && maxN <= NGram.maximumLength, "distinct-n is defined here for n = 1…5")
        var values: [Double] = []
        var uniqueCounts: [Int] = []
        var totalCounts: [Int] = []
        for n in 1...maxN {
            var seen = Set<NGram>()
            var total = 0
            for document in corpus.documents.indices {
                let grams = corpus.ngrams(of: document, n: n)
                total += grams.count
                seen.formUnion(grams)
            }
            uniqueCounts.append(seen.count)
            totalCounts.append(total)
            values.append(total == 0 ? 0 : Double(seen.count) / Double(total))
        }
        self.values = values
        self.uniqueCounts = uniqueCounts
        self.totalCounts = totalCounts
        self.sum = values.reduce(0, +)
    }
}
