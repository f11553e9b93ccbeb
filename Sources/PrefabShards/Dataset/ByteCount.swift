/// Byte sizes as people write them on a command line: `1048576`, `64MiB`, `100kb`, `2g`.
/// Units are powers of 1024, as in MosaicML Streaming's `size_limit` strings.
public enum ByteCount {
    public static func parse(_ text: String) throws(ShardError) -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isNumber }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let number = Int(digits) else {
            throw .invalidArgument("'\(text)' is not a byte count (examples: 1048576, 64MiB, 100kb)")
        }
        let multiplier: Int
        switch unit {
        case "", "b": multiplier = 1
        case "k", "kb", "kib": multiplier = 1 << 10
        case "m", "mb", "mib": multiplier = 1 << 20
        case "g", "gb", "gib": multiplier = 1 << 30
        default: throw .invalidArgument("'\(text)': unknown unit '\(unit)' (use b, kb, mb or gb)")
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow, bytes > 0 else { throw .invalidArgument("'\(text)' must be a positive byte count") }
        return bytes
    }
}

import Foundation
