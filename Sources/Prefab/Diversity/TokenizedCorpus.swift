/// A corpus turned into integer token ids once, so that every lexical metric counts n-grams and
/// longest common subsequences over small integers instead of strings.
struct TokenizedCorpus: Sendable {
    /// One array of token ids per document, in corpus order.
    let documents: [[Int32]]
    /// Number of distinct tokens in the corpus.
    let vocabularySize: Int

    init(_ texts: [String]) {
        var vocabulary: [String: Int32] = [:]
        var documents: [[Int32]] = []
        documents.reserveCapacity(texts.count)
        for text in texts {
            let ids = DiversityTokenizer.tokens(text).map { token -> Int32 in
                if let id = vocabulary[token] { return id }
                let id = Int32(vocabulary.count)
                vocabulary[token] = id
                return id
            }
            documents.append(ids)
        }
        self.documents = documents
        self.vocabularySize = vocabulary.count
    }

    /// The n-grams of one document, in order (none when the document is shorter than `n`).
    /// N-grams never cross a document boundary.
    func ngrams(of document: Int, n: Int) -> [NGram] {
        let ids = documents[document]
        guard n >= 1, ids.count >= n else { return [] }
        return ids.withUnsafeBufferPointer { buffer in
            (0...(buffer.count - n)).map { NGram(buffer[$0..<($0 + n)]) }
        }
    }
}
