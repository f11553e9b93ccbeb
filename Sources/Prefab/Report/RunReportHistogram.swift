/// Counts of values in consecutive bins: `edges` has one more entry than `counts`, and bin i holds
/// values v with edges[i] ≤ v < edges[i+1] (the last bin also holds its upper edge).
package struct RunReportHistogram: Codable, Hashable, Sendable {
    package var edges: [Double]
    package var counts: [Int]

    package init(edges: [Double], counts: [Int]) {
        self.edges = edges
        self.counts = counts
    }

    /// Bins `values` into `edges`; values outside the edges are left out (callers choose edges
    /// that cover their values).
    package init(values: [Double], edges: [Double]) {
        self.init(tally: values.map { ($0, 1) }, edges: edges)
    }

    /// From how often each value occurred (scores take few distinct values, so a run's scores
    /// are kept as a tally rather than one number per completion).
    package init(tally: some Sequence<(Double, Int)>, edges: [Double]) {
        self.edges = edges
        var counts = [Int](repeating: 0, count: max(edges.count - 1, 0))
        for (value, count) in tally {
            guard let last = edges.last, let first = edges.first, value >= first, value <= last else { continue }
            var bin = counts.count - 1
            for index in 0..<counts.count where value < edges[index + 1] {
                bin = index
                break
            }
            counts[bin] += count
        }
        self.counts = counts
    }

    /// Unit-wide bins centred on the integers from `low` to `high` (ratings 1…5 give 0.5, 1.5, …, 5.5).
    package static func integerEdges(from low: Int, to high: Int) -> [Double] {
        (low...(high + 1)).map { Double($0) - 0.5 }
    }

    /// Values counted.
    package var total: Int { counts.reduce(0, +) }
}
