/// Two judges' ratings of the same items, as counts of (first, second) value pairs, and the
/// agreement figures computed from it: quadratic-weighted Cohen's kappa and Spearman's rho.
///
/// Ratings are discrete, so the table is all either figure needs (ranks with ties come from
/// the marginals), and memory stays flat however many items are added.
package struct ContingencyTable: Sendable {
    /// Internal for `ReliabilityAccumulator+Codable`.
    var cells: [ValuePair: Double] = [:]

    package init() {}

    package mutating func add(_ first: Double, _ second: Double) {
        cells[ValuePair(first, second), default: 0] += 1
    }

    package mutating func merge(_ other: ContingencyTable) {
        for (pair, count) in other.cells { cells[pair, default: 0] += count }
    }

    /// The cells in a fixed order, so sums come out bit-identical on every run.
    private var sortedCells: [(key: ValuePair, value: Double)] {
        cells.sorted { ($0.key.first, $0.key.second) < ($1.key.first, $1.key.second) }
    }

    /// Items both judges rated.
    package var count: Int { Int(cells.values.reduce(0, +)) }

    /// Cohen's kappa with quadratic weights on the rating values themselves:
    /// κ = 1 − Σ w·O / Σ w·E with w(x, y) = (x − y)², O the observed joint counts and E the
    /// product of the marginals over the total. On consecutive integer scales this equals the
    /// usual index-based weighting. Nil when undefined (no items, or no spread in the ratings).
    package var quadraticKappa: Double? {
        let total = sortedCells.reduce(0) { $0 + $1.value }
        guard total > 0 else { return nil }
        var rows: [Double: Double] = [:]
        var columns: [Double: Double] = [:]
        for (pair, count) in sortedCells {
            rows[pair.first, default: 0] += count
            columns[pair.second, default: 0] += count
        }
        var observed = 0.0
        for (pair, count) in sortedCells {
            observed += count * (pair.first - pair.second) * (pair.first - pair.second)
        }
        var expected = 0.0
        for (x, rowCount) in rows.sorted(by: { $0.key < $1.key }) {
            for (y, columnCount) in columns.sorted(by: { $0.key < $1.key }) {
                expected += rowCount * columnCount / total * (x - y) * (x - y)
            }
        }
        guard expected > 0 else { return nil }
        return 1 - observed / expected
    }

    /// Spearman's rank correlation: Pearson's r of the ranks, tied values sharing their mean
    /// rank. Nil when undefined (fewer than two items, or one judge gave a single value).
    package var spearman: Double? {
        let total = sortedCells.reduce(0) { $0 + $1.value }
        guard total >= 2 else { return nil }
        var rows: [Double: Double] = [:]
        var columns: [Double: Double] = [:]
        for (pair, count) in sortedCells {
            rows[pair.first, default: 0] += count
            columns[pair.second, default: 0] += count
        }
        let rowRanks = Self.meanRanks(rows)
        let columnRanks = Self.meanRanks(columns)
        // The mean rank is (total + 1) / 2 on both sides.
        let mean = (total + 1) / 2
        var covariance = 0.0
        var rowVariance = 0.0
        var columnVariance = 0.0
        for (pair, count) in sortedCells {
            let dx = rowRanks[pair.first]! - mean
            let dy = columnRanks[pair.second]! - mean
            covariance += count * dx * dy
        }
        for (value, count) in rows.sorted(by: { $0.key < $1.key }) { rowVariance += count * pow2(rowRanks[value]! - mean) }
        for (value, count) in columns.sorted(by: { $0.key < $1.key }) { columnVariance += count * pow2(columnRanks[value]! - mean) }
        guard rowVariance > 0, columnVariance > 0 else { return nil }
        return covariance / (rowVariance * columnVariance).squareRoot()
    }

    /// Each value's mean rank (1-based) among `counts.values.sum` ratings.
    private static func meanRanks(_ counts: [Double: Double]) -> [Double: Double] {
        var ranks: [Double: Double] = [:]
        var before = 0.0
        for value in counts.keys.sorted() {
            let count = counts[value]!
            ranks[value] = before + (count + 1) / 2
            before += count
        }
        return ranks
    }
}

private func pow2(_ x: Double) -> Double { x * x }
