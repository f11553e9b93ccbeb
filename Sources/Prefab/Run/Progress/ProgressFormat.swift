import Foundation

/// Short, human-sized numbers for progress lines: a person glancing at a terminal wants "12.3k"
/// and "4m18s", not "12345" and "258.4 s". Kept in one place so the live block, the plain log
/// lines and the CLI's summaries agree.
package enum ProgressFormat {
    /// A duration: "42s", "4m18s", "1h02m", "2d03h". Negative or non-finite values read "0s".
    package static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0s" }
        let total = Int(seconds.rounded())
        let (days, hours, minutes, secs) = (total / 86_400, total / 3_600 % 24, total / 60 % 60, total % 60)
        if total < 60 { return "\(secs)s" }
        if total < 3_600 { return "\(minutes)m\(twoDigits(secs))s" }
        if total < 86_400 { return "\(total / 3_600)h\(twoDigits(minutes))m" }
        return "\(days)d\(twoDigits(hours))h"
    }

    /// A wall-clock style elapsed time for log lines, "00:01:20"; hours grow past 99 when they must.
    package static func clock(_ seconds: Double) -> String {
        let total = seconds.isFinite && seconds > 0 ? Int(seconds) : 0
        return "\(twoDigits(total / 3_600)):\(twoDigits(total / 60 % 60)):\(twoDigits(total % 60))"
    }

    /// A count: exact below 1000, then "1.2k", "12.3k", "123k", "1.2M", "4.5G".
    package static func count(_ value: Int) -> String {
        let magnitude = abs(value)
        guard magnitude >= 1_000 else { return "\(value)" }
        let sign = value < 0 ? "-" : ""
        var scaled = Double(magnitude)
        for unit in ["k", "M", "G", "T"] {
            scaled /= 1_000
            let text = scaled < 99.95 ? String(format: "%.1f", scaled) : String(format: "%.0f", scaled)
            // 999_960 rounds to "1000k": that is the next unit's "1.0M".
            if unit != "T", Double(text) ?? 0 >= 1_000 { continue }
            return sign + text + unit
        }
        return sign + String(format: "%.0f", scaled) + "T"
    }

    /// A fraction (0.12) as a percentage: "12%" or, with `decimals: 1`, "12.0%".
    package static func percent(_ fraction: Double, decimals: Int = 0) -> String {
        guard fraction.isFinite else { return "-%" }
        return String(format: "%.\(max(0, decimals))f%%", fraction * 100)
    }

    /// Prompts per second: "3.4/s", "0.25/s" for slow runs, "125/s" for fast ones.
    package static func rate(_ perSecond: Double) -> String {
        guard perSecond.isFinite, perSecond >= 0 else { return "-/s" }
        let format = perSecond >= 100 ? "%.0f" : perSecond >= 1 ? "%.1f" : "%.2f"
        return String(format: format, perSecond) + "/s"
    }

    /// A cost in the price table's currency (which the display does not know, so no symbol):
    /// "12.34", and four decimals below 1 so cheap runs do not all read "0.00".
    package static func cost(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        return String(format: abs(value) >= 1 ? "%.2f" : "%.4f", value)
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
