import Foundation

/// What `prefab eval-judges` prints: one row per ensemble and per judge, as a text table or JSON.
package struct JudgeEvaluationReport: Codable, Hashable, Sendable {
    package var gold: String
    package var pairs: Int
    package var rows: [JudgeEvaluationRow]

    package init(gold: String, pairs: Int, rows: [JudgeEvaluationRow]) {
        self.gold = gold
        self.pairs = pairs
        self.rows = rows
    }

    /// A fixed-width table: accuracy, ties, failures, agreement, position and length bias,
    /// parse failures and cost for every row.
    package func table() -> String {
        let header = ["ensemble", "judge", "pairs", "accuracy", "wrong", "ties", "failed", "agreement", "P(first)", "consistent", "P(longer)", "parse fail", "calls", "tokens", "cost"]
        func number(_ value: Double?, digits: Int = 3) -> String {
            guard let value else { return "-" }
            return String(format: "%.\(digits)f", value)
        }
        let body = rows.map { row in
            [
                row.ensemble, row.judge ?? "(ensemble)", String(row.pairs), number(row.accuracy), String(row.wrong), String(row.ties),
                String(row.failed), row.agreement.map { (row.judge == nil ? "α " : "") + number($0) } ?? "-",
                number(row.prefersFirst), number(row.positionConsistency), number(row.prefersLonger), number(row.parseFailureRate),
                String(row.calls), String(row.tokens), number(row.cost, digits: 4),
            ]
        }
        let all = [header] + body
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column < 2 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var lines = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += body.map(line)
        lines.append("")
        lines.append("\(pairs) gold pairs from \(gold). accuracy: chosen scored above rejected; agreement: α between the ensemble's judges, or a judge's agreement with its ensemble; P(first)/P(longer): share of decisive comparisons won by the answer shown first / the longer answer; consistent: pairwise verdicts that survive swapping the order.")
        return lines.joined(separator: "\n")
    }

    package func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
