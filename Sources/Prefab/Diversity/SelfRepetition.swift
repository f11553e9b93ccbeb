import Foundation

/// Self-repetition (Salkar et al., 2022, as used for synthetic-data diversity): how much of each
/// document's phrasing reappears in other documents of the corpus.
///
/// Exactly what is computed, with tokens as `DiversityTokenizer` makes them: for each document
/// d, take the set G(d) of its distinct 4-grams; for each g in G(d), count the OTHER documents
/// whose 4-gram set contains g (document frequency minus one); the document's score is
/// `log(1 + that sum)` (natural log). The corpus score is the mean over all documents (a document
/// shorter than 4 tokens scores 0 and still counts in the mean).
///
/// How to read it: 0 means no document shares a 4-gram with any other; a corpus stamped out of
/// one template scores about log(number of documents × template length). Lower is more diverse.
public struct SelfRepetition: Sendable, Codable, Equatable {
    /// Mean of the per-document scores.
    public let score: Double
    /// The n-gram length (4 in the literature).
    public let n: Int
    /// Number of documents averaged over.
    public let documents: Int

    public init(documents: [String], n: Int = 4) {
        self.init(corpus: TokenizedCorpus(documents), n: n)
    }

    init(corpus: TokenizedCorpus, n: Int = 4) {
        let perDocument = corpus.documents.indices.map { Set(corpus.ngrams(of: $0, n: n)) }
        var documentFrequency: [NGram: Int] = [:]
        for grams in perDocument {
            for gram in grams { documentFrequency[gram, default: 0] += 1 }
        }
        var total = 0.0
        for grams in perDocument {
            let shared = grams.reduce(0) { $0 + documentFrequency[$1, default: 1] - 1 }
            total += Foundation.log(1 + Double(shared))
        }
        self.score = perDocument.isEmpty ? 0 : total / Double(perDocument.count)
        self.n = n
        self.documents = perDocument.count
    }
}
