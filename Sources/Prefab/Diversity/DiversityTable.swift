import Foundation

/// Renders reports as a plain-text table: one row per figure, one column per corpus, and, when
/// there are several corpora, one column per corpus after the first saying how much more or
/// less diverse it is than the first.
package enum DiversityTable {
    package static func render(_ reports: [DiversityReport]) -> String {
        guard let baseline = reports.first else { return "" }
        var header = ["metric", "better"] + reports.map(\.label)
        let others = reports.dropFirst()
        header += others.map { "\($0.label) vs \(baseline.label)" }
        header.append("detail")

        var rows: [[String]] = [["documents", ""] + reports.map { String($0.documents) } + others.map { _ in "" } + [""]]
        var keys: [String] = []
        for report in reports {
            for figure in report.figures where !keys.contains(figure.key) { keys.append(figure.key) }
        }
        for key in keys {
            let figures = reports.map { report in report.figures.first { $0.key == key } }
            guard let any = figures.compactMap({ $0 }).first else { continue }
            var row = [key, any.higherIsMoreDiverse ? "higher" : "lower"]
            row += figures.map { figure in figure?.formatted ?? "-" }
            for (offset, _) in others.enumerated() {
                guard let candidate = figures[offset + 1] else {
                    row.append("")
                    continue
                }
                row.append(DiversityComparison(baseline: figures[0], candidate: candidate).summary)
            }
            row.append(any.detail)
            rows.append(row)
        }
        if reports.contains(where: { $0.embeddingModel != nil }) {
            rows.append(["embeddings", ""] + reports.map { $0.embeddingModel ?? "-" } + others.map { _ in "" } + ["model behind vendi, clusters"])
        }

        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { cell, width in cell.padding(toLength: width, withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
                .trimmingTrailingSpaces()
        }
        var output = [line(header), line(widths.map { String(repeating: "-", count: $0) })]
        output += rows.map(line)
        return output.joined(separator: "\n") + "\n"
    }

    /// Four significant digits, without exponent for ordinary magnitudes.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        let magnitude = abs(value)
        let decimals = magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : magnitude >= 1 ? 3 : 4
        return String(format: "%.\(decimals)f", value)
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
