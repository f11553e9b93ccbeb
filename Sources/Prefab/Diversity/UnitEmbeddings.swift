import Foundation

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
            Self.dot(x.baseAddress! + i * dimension, x.baseAddress! + j * dimension, dimension)
        }
    }

    /// X Xᵀ (n×n): every pairwise cosine similarity.
    func gram(into matrix: inout [Double]) {
        Self.rowProducts(values, rows: count, length: dimension, into: &matrix)
    }

    /// Xᵀ X (d×d): the rows are transposed once so that every entry is one contiguous dot
    /// product of length n, which keeps the work compute-bound rather than memory-bound.
    func covariance(into matrix: inout [Double]) {
        let n = count, d = dimension
        var columns = [Double](repeating: 0, count: n * d)
        values.withUnsafeBufferPointer { x in
            columns.withUnsafeMutableBufferPointer { t in
                for row in 0..<n {
                    for column in 0..<d { t[column * n + row] = x[row * d + column] }
                }
            }
        }
        Self.rowProducts(columns, rows: d, length: n, into: &matrix)
    }

    /// M Mᵀ for the row-major `rows`×`length` matrix `m`: the dot product of every pair of rows,
    /// into the `rows`×`rows` symmetric `matrix` (each pair computed once, on every core).
    private static func rowProducts(_ m: [Double], rows: Int, length: Int, into matrix: inout [Double]) {
        m.withUnsafeBufferPointer { x in
            matrix.withUnsafeMutableBufferPointer { k in
                let base = x.baseAddress!
                upperTriangle(size: rows) { i, j in
                    let sum = dot(base + i * length, base + j * length, length)
                    k[i * rows + j] = sum
                    k[j * rows + i] = sum
                }
            }
        }
    }

    /// Calls `body(i, j)` for every i ≤ j < size, rows spread over the CPU's cores (row i goes
    /// to worker i mod workers, which balances the triangle). `body` must only write entries
    /// (i, j) and (j, i).
    private static func upperTriangle(size: Int, _ body: (Int, Int) -> Void) {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, size / 64))
        withoutActuallyEscaping(body) { body in
            // Safe to share: every worker writes disjoint entries, and all finish before return.
            nonisolated(unsafe) let shared = body
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for i in stride(from: worker, to: size, by: workers) {
                    for j in i..<size { shared(i, j) }
                }
            }
        }
    }

    /// Σ a[k]·b[k] with four independent partial sums, which lets the optimiser use vector
    /// registers without reordering a single running sum.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var k = 0
        while k + 4 <= count {
            s0 += a[k] * b[k]
            s1 += a[k + 1] * b[k + 1]
            s2 += a[k + 2] * b[k + 2]
            s3 += a[k + 3] * b[k + 3]
            k += 4
        }
        while k < count {
            s0 += a[k] * b[k]
            k += 1
        }
        return (s0 + s1) + (s2 + s3)
    }
}
