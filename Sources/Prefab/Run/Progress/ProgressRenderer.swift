import Foundation

/// Turns a snapshot into text, with no terminal and no clock involved, so every style can be
/// checked byte for byte in a test. The reporter adds the cursor movement a live redraw needs
/// (`redraw(_:replacing:)`); the text itself never holds escape sequences.
package enum ProgressRenderer {
    /// Characters of the live progress bar between the brackets.
    static let barWidth = 20

    /// The text for `snapshot` in `style`, without a trailing newline: the live block's lines
    /// (each cut to `width` columns) joined by newlines, one plain log line, one JSON object, or
    /// "" for `.quiet`.
    package static func render(_ snapshot: RunProgress, style: ProgressStyle, width: Int = ProgressTerminal.defaultWidth)
        -> String
    {
        switch style {
        case .live: liveLines(snapshot, width: width).joined(separator: "\n")
        case .plain: plainLine(snapshot)
        case .json: jsonLine(snapshot)
        case .quiet: ""
        }
    }

    // MARK: - Live

    /// The live block: status, the unit's count with a bar, tokens and requests, failures, one
    /// line per endpoint. A command that calls no model gets no tokens or endpoint lines.
    static func liveLines(_ p: RunProgress, width: Int) -> [String] {
        var lines: [String] = []

        var status = "\(p.phase) · \(ProgressFormat.duration(p.elapsed)) elapsed"
        if p.callsModels || p.inFlight > 0 { status += " · \(p.inFlight) in flight" }
        if p.resumed > 0 { status += " · \(ProgressFormat.count(p.resumed)) resumed" }
        lines.append(status)

        var prompts = "\(p.unit) \(p.done)/\(p.total.map(String.init) ?? "?")"
        if let fraction = p.fraction {
            let filled = min(barWidth, Int((fraction * Double(barWidth)).rounded(.down)))
            prompts += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled)
            prompts += "] " + ProgressFormat.percent(fraction)
        }
        prompts += " · " + (p.rate.map(ProgressFormat.rate) ?? "-/s")
        if p.total != nil { prompts += " · ETA " + (p.etaSeconds.map(ProgressFormat.duration) ?? "-") }
        lines.append(prompts)

        if p.callsModels {
            var usage = "tokens \(ProgressFormat.count(p.promptTokens)) prompt / \(ProgressFormat.count(p.completionTokens)) completion"
            usage += " · requests \(ProgressFormat.count(p.requests))"
            usage += " · cache hits " + (p.cacheHitFraction.map { ProgressFormat.percent($0) } ?? "-")
            if let cost = p.cost { usage += " · cost \(ProgressFormat.cost(cost))" }
            lines.append(usage)
        }

        lines.append(p.failed == 0 ? "failed 0" : "failed \(p.failed): " + failureList(p.failuresByKind))

        let nameWidth = p.endpoints.map(\.name.count).max() ?? 0
        for endpoint in p.endpoints {
            let name = endpoint.name + String(repeating: " ", count: nameWidth - endpoint.name.count)
            var line = "  \(name)  \(endpoint.inFlight) in flight · \(ProgressFormat.count(endpoint.requests)) requests"
            line += " · \(ProgressFormat.count(endpoint.tokens)) tokens"
            if endpoint.failures > 0 { line += " · \(ProgressFormat.count(endpoint.failures)) failed" }
            lines.append(line)
        }
        return lines.map { truncate($0, to: width) }
    }

    /// Lines for the live block's foot, one per folded warning ("  repeated: KEY ×12"), so the
    /// count of a warning printed once keeps growing in view. Cut to `width` like the rest.
    static func foldedLines(_ summary: [String], width: Int) -> [String] {
        summary.map { truncate("  repeated: " + $0, to: width) }
    }

    /// Cuts a line to `width` characters: a line the terminal wraps takes two rows, and the
    /// redraw, which moves up one row a line, would then leave debris behind.
    static func truncate(_ line: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        return line.count <= width ? line : String(line.prefix(width))
    }

    // MARK: - Plain

    /// One log line: "[00:01:20] 120/1000 prompts (12.0%), 3.4/s, ETA 4m18s, tokens 12345,
    /// cache hits 40%, failed 2 (http_status 2)". Unknown figures are left out rather than shown as
    /// placeholders, the phase leads the line when it is not "running", and a command that calls
    /// no model has no tokens ("[00:00:10] 5000/20000 records (25.0%), 480/s, ETA 31s").
    ///
    /// `foldedWarnings` (repeated warnings counted instead of printed) ends the line when above 0:
    /// ", 11 repeated warnings folded"; `finish` lists them by kind.
    static func plainLine(_ p: RunProgress, foldedWarnings: Int = 0) -> String {
        var parts: [String] = []
        var head = "[\(ProgressFormat.clock(p.elapsed))] "
        if p.phase != "running" { head += "\(p.phase): " }
        head += "\(p.done)"
        if let total = p.total { head += "/\(total)" }
        head += " \(p.unit)"
        if let fraction = p.fraction { head += " (\(ProgressFormat.percent(fraction, decimals: 1)))" }
        parts.append(head)
        if p.resumed > 0 { parts.append("\(p.resumed) resumed") }
        if let rate = p.rate { parts.append(ProgressFormat.rate(rate)) }
        if let eta = p.etaSeconds { parts.append("ETA \(ProgressFormat.duration(eta))") }
        if p.callsModels { parts.append("tokens \(p.totalTokens)") }
        if let hits = p.cacheHitFraction { parts.append("cache hits \(ProgressFormat.percent(hits))") }
        if let cost = p.cost { parts.append("cost \(ProgressFormat.cost(cost))") }
        if p.failed > 0 {
            parts.append("failed \(p.failed)" + (p.failuresByKind.isEmpty ? "" : " (\(failureList(p.failuresByKind)))"))
        }
        if foldedWarnings > 0 { parts.append("\(foldedWarnings) repeated warning\(foldedWarnings == 1 ? "" : "s") folded") }
        return parts.joined(separator: ", ")
    }

    /// "http_status 2, transport 1": most frequent first, then by name, so the order is stable.
    static func failureList(_ byKind: [String: Int]) -> String {
        byKind.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }
            .joined(separator: ", ")
    }

    // MARK: - JSON

    /// The snapshot as one line of JSON, keys sorted so lines diff cleanly.
    static func jsonLine(_ p: RunProgress) -> String {
        jsonObject(p)
    }

    /// A message for the JSON stream: `{"message":"..."}`, so every line a script reads parses.
    static func jsonMessage(_ message: String) -> String {
        jsonObject(["message": message])
    }

    private static func jsonObject(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - ANSI

    /// Moves the cursor up `count` rows and erases from there to the end of the screen: where a
    /// block of `count` newline-terminated lines was drawn, it leaves the cursor at its start.
    static func erase(lineCount count: Int) -> String {
        guard count > 0 else { return "" }
        return "\r\u{1B}[\(count)A\u{1B}[J"
    }

    /// The bytes that replace a block of `previous` lines with `lines`, each line erased before it
    /// is written (so a terminal that lost the erase-below still shows clean lines) and ended by a
    /// newline, leaving the cursor below the block for the next redraw or for ordinary output.
    static func redraw(_ lines: [String], replacing previous: Int) -> String {
        var text = previous > 0 ? "\r\u{1B}[\(previous)A" : ""
        for line in lines { text += "\u{1B}[2K" + line + "\n" }
        text += "\u{1B}[J"
        return text
    }
}
