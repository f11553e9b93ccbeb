import Foundation

/// A grouped bar chart drawn as inline SVG (no script, no external resources), so the report
/// opens offline in any browser. One group of bars per category, one bar per series.
struct RunReportChart {
    struct Series {
        var name: String
        var values: [Double]
    }

    var title: String
    var categories: [String]
    var series: [Series]
    var yLabel: String
    /// The y axis's top; by default the largest value, rounded up.
    var yMax: Double?
    /// A dashed horizontal line (0.5 for "no bias").
    var reference: Double?
    /// Counts: the y axis gets whole-number ticks.
    var integerValues = true
    var width = 520.0
    var height = 260.0

    /// Colour-blind-safe palette (Okabe–Ito).
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

    func svg() -> String {
        let esc = RunReportHTMLText.escape
        let left = 56.0, right = 12.0, top = 16.0
        let longest = Double(series.map(\.name.count).max() ?? 0)
        let legendColumns = max(1, min(4, Int((width - left - right) / (longest * 6.5 + 24))))
        let legendRows = series.count > 1 ? Double((series.count + legendColumns - 1) / legendColumns) : 0
        let bottom = 40.0 + legendRows * 18
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let largest = series.flatMap(\.values).max() ?? 0
        let top0 = yMax ?? Self.niceCeiling(largest)
        let yTop = top0 > 0 ? top0 : 1
        func y(_ value: Double) -> Double { top + plotHeight * (1 - min(value, yTop) / yTop) }

        var out = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
        out += "width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(esc(title))\">"
        out += "<title>\(esc(title))</title>"
        // Grid and y ticks.
        let ticks = integerValues && yTop < 4 ? max(Int(yTop), 1) : 4
        for tick in 0...ticks {
            let value = yTop * Double(tick) / Double(ticks)
            let ty = y(value)
            out += "<line x1=\"\(f(left))\" y1=\"\(f(ty))\" x2=\"\(f(width - right))\" y2=\"\(f(ty))\" stroke=\"#ddd\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(ty + 4))\" text-anchor=\"end\" font-size=\"11\">\(esc(Self.tickLabel(value)))</text>"
        }
        out += "<text x=\"12\" y=\"\(f(top + plotHeight / 2))\" font-size=\"11\" text-anchor=\"middle\" "
        out += "transform=\"rotate(-90 12 \(f(top + plotHeight / 2)))\">\(esc(yLabel))</text>"
        // Bars.
        let groups = max(categories.count, 1)
        let groupWidth = plotWidth / Double(groups)
        let barWidth = min(48, max(1, groupWidth * 0.8 / Double(max(series.count, 1))))
        let barsWidth = barWidth * Double(series.count)
        for (c, category) in categories.enumerated() {
            let groupX = left + groupWidth * Double(c) + (groupWidth - barsWidth) / 2
            for (s, entry) in series.enumerated() where c < entry.values.count {
                let value = entry.values[c]
                let barTop = y(value)
                let x = groupX + barWidth * Double(s)
                out += "<rect x=\"\(f(x))\" y=\"\(f(barTop))\" width=\"\(f(barWidth))\" height=\"\(f(top + plotHeight - barTop))\" "
                out += "fill=\"\(Self.palette[s % Self.palette.count])\"><title>\(esc(entry.name)) · \(esc(category)): "
                out += "\(esc(Self.tickLabel(value)))</title></rect>"
            }
            let labelX = left + groupWidth * (Double(c) + 0.5)
            out += "<text x=\"\(f(labelX))\" y=\"\(f(top + plotHeight + 14))\" text-anchor=\"middle\" font-size=\"11\">"
            let fits = max(Int(groupWidth / 6.5), 3)
            let shown = category.count > fits ? String(category.prefix(fits - 1)) + "…" : category
            out += "\(esc(shown))<title>\(esc(category))</title></text>"
        }
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(width - right))\" y2=\"\(f(top + plotHeight))\" stroke=\"#333\"/>"
        if let reference, reference <= yTop {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(reference)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(reference)))\" "
            out += "stroke=\"#c00\" stroke-dasharray=\"5 4\"/>"
        }
        // Legend.
        if series.count > 1 {
            for (s, entry) in series.enumerated() {
                let lx = left + Double(s % legendColumns) * (plotWidth / Double(legendColumns))
                let ly = top + plotHeight + 30 + Double(s / legendColumns) * 18
                out += "<rect x=\"\(f(lx))\" y=\"\(f(ly - 9))\" width=\"10\" height=\"10\" fill=\"\(Self.palette[s % Self.palette.count])\"/>"
                out += "<text x=\"\(f(lx + 14))\" y=\"\(f(ly))\" font-size=\"11\">\(esc(entry.name))</text>"
            }
        }
        out += "</svg>"
        return out
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func tickLabel(_ value: Double) -> String {
        if abs(value) >= 1_000_000, value.truncatingRemainder(dividingBy: 100_000) == 0 { return String(format: "%gM", value / 1_000_000) }
        if abs(value) >= 10_000, value.truncatingRemainder(dividingBy: 100) == 0 { return String(format: "%gk", value / 1000) }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.2f", value)
    }

    /// 1, 2, 4 or 8 × 10^k at or above `value` (a quarter of it is a whole number from 4 up).
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for step in [1.0, 2, 4, 8, 10] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }
}
