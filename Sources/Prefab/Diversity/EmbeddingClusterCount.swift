/// How many groups of similar documents a corpus falls into: average-linkage agglomerative
/// clustering of embeddings, cut at a cosine-similarity threshold.
///
/// Exactly what is computed: up to `maxSample` documents (default 1,000; drawn without
/// replacement by `DiversityRandomSource(seed:)` when the corpus is larger) start as singleton
/// clusters; the two clusters with the highest average pairwise cosine similarity are merged
/// while that average is at least `threshold` (default 0.8). The count is the number of clusters
/// left. This is the cut of the UPGMA dendrogram at `threshold` (the same as scikit-learn's
/// `AgglomerativeClustering(linkage="average", metric="cosine", distance_threshold=1−threshold)`),
/// computed with the nearest-neighbour-chain algorithm in O(s²) time after the O(s²·d)
/// similarity matrix. Average linkage was chosen over single linkage because it does not chain
/// a long path of near neighbours into one cluster, and over k-means because it needs no k and
/// no random restarts, so the figure is deterministic.
///
/// How to read it: between 1 (everything alike) and the sample size (nothing alike). Higher is
/// more diverse. It depends on the embedding model and the threshold; compare corpora measured
/// with the same pair, and with the same sample size.
public struct EmbeddingClusterCount: Sendable, Codable, Equatable {
    public let clusters: Int
    /// Documents clustered.
    public let sampleSize: Int
    public let threshold: Double
    /// Size of the largest cluster.
    public let largestCluster: Int
    public let seed: UInt64

    public init<Scalar: BinaryFloatingPoint>(
        embeddings: [[Scalar]], threshold: Double = 0.8, maxSample: Int = 1000, seed: UInt64 = 0
    ) throws(DiversityError) {
        var random = DiversityRandomSource(seed: seed)
        let chosen = embeddings.count > maxSample
            ? random.sample(maxSample, from: embeddings.count).sorted().map { embeddings[$0] }
            : embeddings
        let rows = try UnitEmbeddings(chosen)
        let n = rows.count
        var similarity = [Double](repeating: 0, count: n * n)
        rows.gram(into: &similarity)
        let merges = Self.averageLinkageMerges(similarity: &similarity, count: n)
        // Average linkage has no inversions, so the merges at or above the threshold are exactly
        // those below the cut, whatever order the chain found them in.
        var parent = Array(0..<n)
        func root(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        var kept = 0
        for merge in merges where merge.similarity >= threshold {
            parent[root(merge.absorbed)] = root(merge.into)
            kept += 1
        }
        var sizes: [Int: Int] = [:]
        for x in 0..<n { sizes[root(x), default: 0] += 1 }
        self.clusters = n - kept
        self.sampleSize = n
        self.threshold = threshold
        self.largestCluster = sizes.values.max() ?? 0
        self.seed = seed
    }

    struct Merge {
        let into: Int
        let absorbed: Int
        let similarity: Double
    }

    /// The full average-linkage dendrogram by the nearest-neighbour chain: follow each cluster's
    /// most similar neighbour until two clusters are each other's nearest, merge them, and
    /// update similarities with the Lance–Williams rule
    /// s(k, i∪j) = (|i|·s(k,i) + |j|·s(k,j)) / (|i| + |j|). Ties keep the previous chain link,
    /// which guarantees progress. `similarity` is overwritten.
    static func averageLinkageMerges(similarity: inout [Double], count n: Int) -> [Merge] {
        guard n > 1 else { return [] }
        var size = [Int](repeating: 1, count: n)
        var active = [Bool](repeating: true, count: n)
        var merges: [Merge] = []
        merges.reserveCapacity(n - 1)
        var chain: [Int] = []
        similarity.withUnsafeMutableBufferPointer { s in
            var nextStart = 0
            while merges.count < n - 1 {
                if chain.isEmpty {
                    while !active[nextStart] { nextStart += 1 }
                    chain.append(nextStart)
                }
                let a = chain[chain.count - 1]
                let previous = chain.count >= 2 ? chain[chain.count - 2] : -1
                var best = previous
                var bestSimilarity = previous >= 0 ? s[a * n + previous] : -Double.infinity
                for k in 0..<n where active[k] && k != a {
                    let value = s[a * n + k]
                    if value > bestSimilarity {
                        best = k
                        bestSimilarity = value
                    }
                }
                if best == previous {
                    chain.removeLast(2)
                    let into = min(a, best), absorbed = max(a, best)
                    let total = Double(size[into] + size[absorbed])
                    for k in 0..<n where active[k] && k != into && k != absorbed {
                        let merged = (Double(size[into]) * s[into * n + k] + Double(size[absorbed]) * s[absorbed * n + k]) / total
                        s[into * n + k] = merged
                        s[k * n + into] = merged
                    }
                    size[into] += size[absorbed]
                    active[absorbed] = false
                    merges.append(Merge(into: into, absorbed: absorbed, similarity: bestSimilarity))
                } else {
                    chain.append(best)
                }
            }
        }
        return merges
    }
}
