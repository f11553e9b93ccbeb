import Foundation

/// Eigenvalues of a real symmetric matrix, in Swift, with no LAPACK to link.
///
/// Two classic stages: Householder reflections reduce the matrix to a symmetric tridiagonal one
/// with the same eigenvalues (about 4/3·d³ flops), then the implicit QL algorithm with
/// Wilkinson shifts finds the tridiagonal matrix's eigenvalues (O(d²)). Eigenvectors are not
/// formed: the Vendi score needs only the spectrum, and skipping them halves the work.
/// A 1024×1024 matrix takes about a second in a release build.
package enum SymmetricEigensolver {
    /// Eigenvalues in ascending order.
    ///
    /// - Parameters:
    ///   - matrix: the d×d matrix in row-major order. It must be symmetric (not checked: both
    ///     triangles are read, so an asymmetric input gives meaningless values).
    ///   - dimension: d.
    package static func eigenvalues(of matrix: [Double], dimension: Int) throws(DiversityError) -> [Double] {
        precondition(matrix.count == dimension * dimension, "a d×d matrix has d² entries")
        guard dimension > 0 else { return [] }
        var diagonal = [Double](repeating: 0, count: dimension)
        var offDiagonal = [Double](repeating: 0, count: dimension)
        var work = matrix
        work.withUnsafeMutableBufferPointer { a in
            tridiagonalize(a, dimension, &diagonal, &offDiagonal)
        }
        try diagonalizeTridiagonal(&diagonal, &offDiagonal)
        return diagonal.sorted()
    }

    /// Eigenvalues of a symmetric tridiagonal matrix given by its diagonal and its subdiagonal
    /// (`subdiagonal[i]` couples rows i and i+1), ascending.
    package static func eigenvalues(diagonal: [Double], subdiagonal: [Double]) throws(DiversityError) -> [Double] {
        precondition(subdiagonal.count + 1 == diagonal.count || (diagonal.isEmpty && subdiagonal.isEmpty))
        var d = diagonal
        var e = subdiagonal + [0]
        try diagonalizeTridiagonal(&d, &e)
        return d.sorted()
    }

    /// Householder reduction. On return `d` holds the diagonal and `e[k]` the entry between rows
    /// k and k+1 (`e[n-1]` is 0). Column k below the subdiagonal is annihilated by
    /// H = I − β v vᵀ applied from both sides to the trailing block; with p = β A v and
    /// q = p − (β/2)(vᵀp) v the update is A ← A − v qᵀ − q vᵀ.
    private static func tridiagonalize(
        _ a: UnsafeMutableBufferPointer<Double>, _ n: Int, _ d: inout [Double], _ e: inout [Double]
    ) {
        var v = [Double](repeating: 0, count: n)
        var q = [Double](repeating: 0, count: n)
        for k in 0..<max(n - 2, 0) {
            d[k] = a[k * n + k]
            let start = k + 1
            var scale = 0.0
            for i in start..<n { scale += abs(a[i * n + k]) }
            if scale == 0 {
                e[k] = 0
                continue
            }
            // Scaled copy of the column, for overflow safety.
            var norm2 = 0.0
            for i in start..<n {
                v[i] = a[i * n + k] / scale
                norm2 += v[i] * v[i]
            }
            let alpha = v[start] > 0 ? -norm2.squareRoot() : norm2.squareRoot()
            e[k] = alpha * scale
            v[start] -= alpha
            let vv = norm2 - 2 * alpha * (v[start] + alpha) + alpha * alpha
            // vv = |x − α e₁|² = |x|² − 2α x₁ + α², written with x₁ = v[start] + α.
            guard vv > 0 else { continue }
            let beta = 2 / vv
            // p = β A v over the trailing block (stored in q), and K = (β/2) vᵀp.
            var vp = 0.0
            let m = n - start
            v.withUnsafeBufferPointer { vBuffer in
                let vTail = vBuffer.baseAddress! + start
                for i in start..<n {
                    q[i] = beta * UnitEmbeddings.dot(a.baseAddress! + i * n + start, vTail, m)
                    vp += v[i] * q[i]
                }
            }
            let half = 0.5 * beta * vp
            for i in start..<n { q[i] -= half * v[i] }
            v.withUnsafeBufferPointer { vBuffer in
                q.withUnsafeBufferPointer { qBuffer in
                    let vTail = vBuffer.baseAddress! + start, qTail = qBuffer.baseAddress! + start
                    for i in start..<n {
                        let row = a.baseAddress! + i * n + start
                        let vi = v[i], qi = q[i]
                        for j in 0..<m { row[j] -= vi * qTail[j] + qi * vTail[j] }
                    }
                }
            }
        }
        if n >= 2 {
            d[n - 2] = a[(n - 2) * n + (n - 2)]
            d[n - 1] = a[(n - 1) * n + (n - 1)]
            e[n - 2] = a[(n - 1) * n + (n - 2)]
        } else {
            d[0] = a[0]
        }
        e[n - 1] = 0
    }

    /// Implicit QL with Wilkinson shifts on a symmetric tridiagonal matrix (d, e with e[n-1] = 0).
    /// Each sweep works on the unreduced block l…m, where e[m] is negligible against its
    /// neighbours; a chain of Givens rotations chases the bulge up from m to l. On return `d`
    /// holds the eigenvalues (unordered).
    private static func diagonalizeTridiagonal(_ d: inout [Double], _ e: inout [Double]) throws(DiversityError) {
        let n = d.count
        guard n > 1 else { return }
        let maximumSweeps = 64
        for l in 0..<n {
            var sweeps = 0
            while true {
                var m = l
                while m < n - 1 {
                    let size = abs(d[m]) + abs(d[m + 1])
                    if abs(e[m]) <= Double.ulpOfOne * size { break }
                    m += 1
                }
                if m == l { break }
                sweeps += 1
                if sweeps > maximumSweeps { throw .eigenvaluesDidNotConverge(dimension: n) }
                // Wilkinson shift from the leading 2×2 block, folded into the first rotation.
                var g = (d[l + 1] - d[l]) / (2 * e[l])
                var r = hypot(g, 1)
                g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r))
                var s = 1.0, c = 1.0, p = 0.0
                var i = m - 1
                var underflow = false
                while i >= l {
                    let f = s * e[i]
                    let b = c * e[i]
                    r = hypot(f, g)
                    e[i + 1] = r
                    if r == 0 {
                        // The block split: restart on the smaller one.
                        d[i + 1] -= p
                        e[m] = 0
                        underflow = true
                        break
                    }
                    s = f / r
                    c = g / r
                    g = d[i + 1] - p
                    r = (d[i] - g) * s + 2 * c * b
                    p = s * r
                    d[i + 1] = g + p
                    g = c * r - b
                    i -= 1
                }
                if underflow { continue }
                d[l] -= p
                e[l] = g
                e[m] = 0
            }
        }
    }
}
