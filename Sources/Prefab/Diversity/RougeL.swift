/// ROUGE-L (Lin, 2004) between two token sequences: from the length L of their longest common
/// subsequence, recall R = L / |reference|, precision P = L / |candidate|, F1 = 2PR / (P + R).
/// F1 is symmetric in its two arguments, so it is a similarity between documents.
package enum RougeL {
    /// ROUGE-L F1 between two texts, tokenised by `DiversityTokenizer`. Two empty texts score 0.
    package static func f1(_ first: String, _ second: String) -> Double {
        let corpus = TokenizedCorpus([first, second])
        return f1(corpus.documents[0], corpus.documents[1])
    }

    static func f1(_ first: [Int32], _ second: [Int32]) -> Double {
        guard !first.isEmpty, !second.isEmpty else { return 0 }
        let common = Double(longestCommonSubsequence(first, second))
        guard common > 0 else { return 0 }
        let precision = common / Double(first.count)
        let recall = common / Double(second.count)
        return 2 * precision * recall / (precision + recall)
    }

    /// Classic dynamic programme in O(|a|·|b|) time and O(min) memory (two rows).
    static func longestCommonSubsequence(_ a: [Int32], _ b: [Int32]) -> Int {
        let (long, short) = a.count >= b.count ? (a, b) : (b, a)
        var previous = [Int32](repeating: 0, count: short.count + 1)
        var current = previous
        long.withUnsafeBufferPointer { longBuffer in
            short.withUnsafeBufferPointer { shortBuffer in
                for i in 0..<longBuffer.count {
                    let token = longBuffer[i]
                    previous.withUnsafeBufferPointer { above in
                        current.withUnsafeMutableBufferPointer { row in
                            row[0] = 0
                            for j in 0..<shortBuffer.count {
                                row[j + 1] = token == shortBuffer[j] ? above[j] + 1 : max(above[j + 1], row[j])
                            }
                        }
                    }
                    swap(&previous, &current)
                }
            }
        }
        return Int(previous[short.count])
    }
}
