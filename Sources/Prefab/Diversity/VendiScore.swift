import Foundation

/// The Vendi score (Friedman & Dieng, 2023) of a set of embeddings: the effective number of
/// different documents.
///
/// Exactly what is computed: each embedding is scaled to unit length, so the similarity matrix
/// K (n×n, K_ij = cosine similarity) has ones on its diagonal; with λ_i the eigenvalues of K/n
/// (they are ≥ 0 and sum to 1), VS = exp(−Σ λ_i log λ_i) (natural log, 0·log 0 = 0). K/n = X Xᵀ/n
/// shares its non-zero eigenvalues with the d×d matrix Xᵀ X/n (X: the n×d matrix of unit
/// rows), so the score is computed from whichever of the two is smaller: memory d² and time
/// n·d² + d³, whatever n is. Eigenvalues come from `SymmetricEigensolver`.
///
/// How to read it: 1 when every document has the same embedding, n when all embeddings are
/// orthogonal; in between, "this corpus is as diverse as VS completely different documents".
/// Higher is more diverse. It cannot exceed min(n, d), and scores from different embedding
/// models are not comparable.
public struct VendiScore: Sendable, Codable, Equatable {
    public let score: Double
    /// Number of embeddings (n).
    public let count: Int
    /// Embedding dimension (d).
    public let dimension: Int

    public init<Scalar: BinaryFloatingPoint>(embeddings: [[Scalar]]) throws(DiversityError) {
        let rows = try UnitEmbeddings(embeddings)
        let n = rows.count, d = rows.dimension
        let size = min(n, d)
        var matrix = [Double](repeating: 0, count: size * size)
        if n <= d {
            rows.gram(into: &matrix)
        } else {
            rows.covariance(into: &matrix)
        }
        let scale = 1 / Double(n)
        for index in matrix.indices { matrix[index] *= scale }
        let eigenvalues = try SymmetricEigensolver.eigenvalues(of: matrix, dimension: size)
        // Rounding can leave tiny negative eigenvalues and a total a hair off 1.
        let clamped = eigenvalues.map { max($0, 0) }
        let total = clamped.reduce(0, +)
        var entropy = 0.0
        for value in clamped where value > 0 {
            let p = value / total
            entropy -= p * Foundation.log(p)
        }
        self.score = Foundation.exp(entropy)
        self.count = n
        self.dimension = d
    }
}
