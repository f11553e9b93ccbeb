import Foundation

/// How shard bytes are compressed: not at all, or zstd at a level.
///
/// Spelled as MosaicML Streaming spells it (`zstd`, `zstd:7`), and the spelling is kept: an MDS
/// `index.json` records the string as configured, so `zstd` and `zstd:3` (the same level) are
/// written back as given.
public struct Compression: Sendable, Hashable, CustomStringConvertible {
    public enum Algorithm: String, Sendable, Hashable {
        case none, zstd
    }

    public let algorithm: Algorithm
    /// The zstd level (1–22); 0 when uncompressed.
    public let level: Int
    /// Whether the level was spelled out (`zstd:3`) rather than implied (`zstd`).
    private let levelSpelledOut: Bool

    public static let defaultZstdLevel = 3
    public static let levelRange = 1...22

    public static let none = Compression(algorithm: .none, level: 0, levelSpelledOut: false)
    /// zstd at the default level 3, spelled `zstd`.
    public static let zstd = Compression(algorithm: .zstd, level: defaultZstdLevel, levelSpelledOut: false)

    /// zstd at `level`, spelled `zstd:N`. Levels outside 1–22 are clamped.
    public static func zstd(level: Int) -> Compression {
        Compression(algorithm: .zstd, level: min(max(level, levelRange.lowerBound), levelRange.upperBound), levelSpelledOut: true)
    }

    private init(algorithm: Algorithm, level: Int, levelSpelledOut: Bool) {
        self.algorithm = algorithm
        self.level = level
        self.levelSpelledOut = levelSpelledOut
    }

    /// Parses `none`, `zstd` or `zstd:N` (N in 1–22).
    public init(parsing text: String) throws(ShardError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "none" || trimmed.isEmpty {
            self = .none
            return
        }
        if trimmed == "zstd" {
            self = .zstd
            return
        }
        if trimmed.hasPrefix("zstd:"), let level = Int(trimmed.dropFirst(5)) {
            guard Self.levelRange.contains(level) else {
                throw .invalidArgument("compression '\(text)': zstd level must be 1–22")
            }
            self = .zstd(level: level)
            return
        }
        throw .invalidArgument("unknown compression '\(text)' (use none, zstd or zstd:N with N in 1–22)")
    }

    /// `none`, `zstd` or `zstd:N`.
    public var description: String {
        switch algorithm {
        case .none: "none"
        case .zstd: levelSpelledOut ? "zstd:\(level)" : "zstd"
        }
    }

    /// The `compression` value of an MDS index (null when uncompressed).
    var mdsName: String? { algorithm == .none ? nil : description }

    public var isCompressed: Bool { algorithm != .none }
}
