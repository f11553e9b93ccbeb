/// Repeated identical warnings, folded into counts. A local model that cannot fit a long prompt
/// fails the same way on every call, and a warning per call buries the progress display (and
/// everything else on the screen) under copies of one line. The first occurrence of each kind
/// is printed in full; the rest are only counted, and `summary` lists the counts at the end
/// ("warning prefab.llm: call failed error_kind=context_overflow model=m ×12").
///
/// Warnings are "identical" when their `key` is: `ProgressLogHandler.foldingKey` builds it from
/// the level, the logger's label, the message and the metadata that names what failed, leaving
/// out what differs from call to call (attempt numbers, delays, the server's full error text
/// when an `error_kind` names it). Errors have no key and are never folded.
///
/// A value type with no lock: `ProgressReporter` keeps one under its own lock, so the decision
/// to print and the printing happen together.
package struct WarningFolds: Sendable, Hashable {
    private var counts: [String: Int] = [:]
    private var order: [String] = []

    package init() {}

    /// Counts one occurrence of `key`; true when it is the first, which the caller prints in full.
    package mutating func admit(_ key: String) -> Bool {
        let seen = counts[key, default: 0]
        counts[key] = seen + 1
        if seen == 0 { order.append(key) }
        return seen == 0
    }

    /// How often `key` was seen, the printed first occurrence included.
    package func count(of key: String) -> Int {
        counts[key] ?? 0
    }

    /// Warnings folded away so far (occurrences after the first of each kind).
    package var folded: Int {
        counts.values.reduce(0) { $0 + max(0, $1 - 1) }
    }

    /// One line for every key seen more than once, in the order first seen: "KEY ×COUNT".
    package var summary: [String] {
        order.compactMap { key in
            let count = counts[key] ?? 0
            return count > 1 ? "\(key) ×\(count)" : nil
        }
    }
}
