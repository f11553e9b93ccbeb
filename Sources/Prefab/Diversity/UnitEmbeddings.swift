/// Embeddings checked for shape and scaled to unit length, stored as one flat n×d array of
/// doubles so the similarity sums run over contiguous memory.
struct UnitEmbeddings: Sendable {
    let count: Int
    let dimension: Int
    /// Row-major n×d.
    let values: [Double]

    init<Scalar: BinaryFloatingPoint>(_ embeddings: [[Scalar]]) throws(DiversityError) {
        guard let first = embeddings.first else { throw .noDocuments }
        let d = first.count
        guard d > 0 else { throw .emptyEmbedding(index: 0) }
        var values = [Double](repeating: 0, count: embeddings.count * d)
        for (index, embedding) in embeddings.enumerated() {
            guard embedding.count == d else {
                throw .embeddingDimensionMismatch(index: index, expected: d, found: embedding.count)
            }
            var norm2 = 0.0
            for value in embedding {
                let x = Double(value)
                guard x.isFinite else { throw .nonFiniteEmbedding(index: index) }
                norm2 += x * x
            }
            guard norm2 > 0 else { throw .zeroEmbedding(index: index) }
            let inverse = 1 / norm2.squareRoot()
            let base = index * d
            for (j, value) in embedding.enumerated() { values[base + j] = Double(value) * inverse }
        }
        self.count = embeddings.count
        self.dimension = d
        self.values = values
    }

    /// Cosine similarity between rows i and j.
    func similarity(_ i: Int, _ j: Int) -> Double {
        values.withUnsafeBufferPointer { x in
            var sum = 0.0
            let a = i * dimension, b = j * dimension
            for k in 0..<dimension { sum += x[a + k] * x[b + k] }
            return sum
        }
    }

    /// X Xᵀ (n×n): every pairwise cosine similarity.
    func gram(into matrix: inout [Double]) {
        let n = count, d = dimension
        values.withUnsafeBufferPointer { x in
            matrix.withUnsafeMutableBufferPointer { k in
                for i in 0..<n {
                    for j in i..<n {
                        var sum = 0.0
                        let a = i * d, b = j * d
                        for t in 0..<d { sum += x[a + t] * x[b + t] }
                        k[i * n + j] = sum
                        k[j * n + i] = sum
                    }
                }
            }
        }
    }

    /// Xᵀ X (d×d), summed one row at a time into the upper triangle and then mirrored.
    func covariance(into matrix: inout [Double]) {
        let n = count, d = dimension
        values.withUnsafeBufferPointer { x in
            matrix.withUnsafeMutableBufferPointer { c in
                for row in 0..<n {
                    let base = row * d
                    for i in 0..<d {
                        let xi = x[base + i]
                        if xi == 0 { continue }
                        let out = i * d
                        for j in i..<d { c[out + j] += xi * x[base + j] }
                    }
                }
                for i in 0..<d {
                    for j in (i + 1)..<d { c[j * d + i] = c[i * d + j] }
                }
            }
        }
    }
}
