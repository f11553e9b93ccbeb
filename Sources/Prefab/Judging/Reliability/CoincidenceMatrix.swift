/// Krippendorff's coincidence matrix, built unit by unit, and the ordinal alpha computed from it.
///
/// A unit is one thing several judges rated (one completion on one aspect). Each unit with
/// m ≥ 2 ratings adds every ordered pair of its ratings from different judges with weight
/// 1/(m − 1); units with fewer ratings cannot be compared and add nothing. The matrix holds one
/// cell per pair of distinct values, so memory stays flat however many units are added.
///
/// Ordinal alpha (Krippendorff, "Computing Krippendorff's Alpha-Reliability", 2011):
/// with n_c the marginal of value c and n the total,
/// δ²(c, k) = (Σ_{g=c}^{k} n_g − (n_c + n_k)/2)² over values in rank order, and
/// α = 1 − (n − 1) · Σ o_ck δ²(c, k) / Σ n_c n_k δ²(c, k).
package struct CoincidenceMatrix: Sendable {
    /// Internal for `ReliabilityAccumulator+Codable`.
    var cells: [ValuePair: Double] = [:]
    /// Units that had at least two ratings.
    package internal(set) var pairableUnits = 0

    package init() {}

    /// Adds one unit's ratings (missing ratings left out).
    package mutating func addUnit(_ values: [Double]) {
        let m = values.count
        guard m >= 2 else { return }
        pairableUnits += 1
        var counts: [Double: Double] = [:]
        for value in values { counts[value, default: 0] += 1 }
        let share = 1 / Double(m - 1)
        let ordered = counts.sorted { $0.key < $1.key }
        for (c, nc) in ordered {
            for (k, nk) in ordered {
                let pairs = c == k ? nc * (nc - 1) : nc * nk
                if pairs > 0 { cells[ValuePair(c, k), default: 0] += pairs * share }
            }
        }
    }

    /// Adds another matrix's units.
    package mutating func merge(_ other: CoincidenceMatrix) {
        for (pair, count) in other.cells { cells[pair, default: 0] += count }
        pairableUnits += other.pairableUnits
    }

    /// Pairable values in all (n).
    package var pairableValues: Double { cells.sorted { ($0.key.first, $0.key.second) < ($1.key.first, $1.key.second) }.reduce(0) { $0 + $1.value } }

    /// Ordinal alpha; nil when it is undefined (fewer than two pairable values, or all values equal).
    package var ordinalAlpha: Double? {
        // Cells in a fixed order, so sums come out bit-identical on every run.
        let sorted = cells.sorted { ($0.key.first, $0.key.second) < ($1.key.first, $1.key.second) }
        var marginals: [Double: Double] = [:]
        for (pair, count) in sorted { marginals[pair.first, default: 0] += count }
        let values = marginals.keys.sorted()
        let n = values.reduce(0) { $0 + marginals[$1]! }
        guard n > 1, values.count > 1 else { return nil }
        // Cumulative marginals, so Σ_{g=c}^{k} n_g is a difference of two prefix sums.
        var prefix: [Double] = [0]
        for value in values { prefix.append(prefix.last! + marginals[value]!) }
        func delta(_ i: Int, _ j: Int) -> Double {
            let (low, high) = i <= j ? (i, j) : (j, i)
            let span = prefix[high + 1] - prefix[low]
            let d = span - (marginals[values[i]]! + marginals[values[j]]!) / 2
            return d * d
        }
        var observed = 0.0
        var expected = 0.0
        for i in values.indices {
            for j in values.indices where i != j {
                let d = delta(i, j)
                observed += (cells[ValuePair(values[i], values[j])] ?? 0) * d
                expected += marginals[values[i]]! * marginals[values[j]]! * d
            }
        }
        guard expected > 0 else { return nil }
        return 1 - (n - 1) * observed / expected
    }
}
