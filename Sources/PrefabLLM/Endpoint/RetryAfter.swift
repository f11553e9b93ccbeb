import Foundation

/// Parses a `Retry-After` header: delay seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`, with the obsolete RFC 850 and asctime forms too).
enum RetryAfter {
    /// Seconds to wait from `now`, never negative; nil when the value is neither form.
    static func seconds(from value: String, now: Date = Date()) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite {
            return max(0, seconds)
        }
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) {
                return max(0, date.timeIntervalSince(now))
            }
        }
        return nil
    }

    private static let formats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",  // IMF-fixdate, RFC 9110's preferred form
        "EEEE, dd-MMM-yy HH:mm:ss zzz",   // RFC 850
        "EEE MMM d HH:mm:ss yyyy",        // asctime
    ]
}
