import Foundation
import PrefabShards

/// An endpoint's `batch:` block: send its calls through the provider's batch API (OpenAI's Batch
/// API, Anthropic's Message Batches) at the batch price instead of one by one.
///
/// ```yaml
/// batch: {enabled: true, completion_window: 24h, max_requests: 50000, max_bytes: 190MB, poll: 60s, fallback: batch}
/// ```
public struct BatchConfiguration: Codable, Sendable, Hashable {
    /// What happens to a request that the batches failed `retries` times (the endpoint's
    /// `retry.max_attempts`).
    public enum Fallback: String, Codable, Sendable, Hashable {
        /// It stays failed: the prompt is listed in `failures.jsonl` and the next run asks again.
        case batch
        /// It is sent synchronously, at the full price.
        case sync
    }

    public var enabled: Bool
    /// OpenAI's `completion_window` (only `24h` exists today); Anthropic has none.
    public var completionWindow: String
    /// The most requests one batch holds: OpenAI allows 50,000, Anthropic 100,000.
    public var maxRequests: Int
    /// The most bytes one batch file (OpenAI) or create body (Anthropic) holds: OpenAI allows
    /// 200 MB, Anthropic 256 MB. The default leaves room below both.
    public var maxBytes: Int
    /// Seconds between two looks at a running batch.
    public var poll: Double
    public var fallback: Fallback

    public static let defaultMaxRequests = 50_000
    public static let defaultMaxBytes = 190 * 1_000_000

    public init(
        enabled: Bool = true, completionWindow: String = "24h", maxRequests: Int = Self.defaultMaxRequests,
        maxBytes: Int = Self.defaultMaxBytes, poll: Double = 60, fallback: Fallback = .batch
    ) {
        self.enabled = enabled
        self.completionWindow = completionWindow
        self.maxRequests = maxRequests
        self.maxBytes = maxBytes
        self.poll = poll
        self.fallback = fallback
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled
        case completionWindow = "completion_window"
        case maxRequests = "max_requests"
        case maxBytes = "max_bytes"
        case poll, fallback
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        completionWindow = try c.decodeIfPresent(String.self, forKey: .completionWindow) ?? "24h"
        maxRequests = try c.decodeIfPresent(Int.self, forKey: .maxRequests) ?? Self.defaultMaxRequests
        if let number = try? c.decode(Int.self, forKey: .maxBytes) {
            maxBytes = number
        } else if let text = try c.decodeIfPresent(String.self, forKey: .maxBytes) {
            do {
                maxBytes = try Self.decimalBytes(text)
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .maxBytes, in: c, debugDescription: "'\(text)' is not a size (examples: 190MB, 100MB, 1048576)")
            }
        } else {
            maxBytes = Self.defaultMaxBytes
        }
        if let number = try? c.decode(Double.self, forKey: .poll) {
            poll = number
        } else if let text = try c.decodeIfPresent(String.self, forKey: .poll) {
            guard let seconds = Self.seconds(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .poll, in: c, debugDescription: "'\(text)' is not a duration (examples: 60s, 5m, 500ms, 1h)")
            }
            poll = seconds
        } else {
            poll = 60
        }
        fallback = try c.decodeIfPresent(Fallback.self, forKey: .fallback) ?? .batch
    }

    /// Sizes as the providers state their limits: `MB` is 1,000,000 bytes (`MiB` 1,048,576).
    static func decimalBytes(_ text: String) throws -> Int {
        let lower = text.trimmingCharacters(in: .whitespaces).lowercased()
        for (unit, factor) in [("kb", 1_000), ("mb", 1_000_000), ("gb", 1_000_000_000)] where lower.hasSuffix(unit) {
            guard let number = Double(lower.dropLast(2).trimmingCharacters(in: .whitespaces)), number > 0 else { break }
            return Int(number * Double(factor))
        }
        return try ByteCount.parse(text)
    }

    /// `60s`, `5m`, `1h`, `500ms` or a bare number of seconds.
    static func seconds(_ text: String) -> Double? {
        let lower = text.trimmingCharacters(in: .whitespaces).lowercased()
        for (unit, factor) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)] where lower.hasSuffix(unit) {
            if let number = Double(lower.dropLast(unit.count)), number >= 0 { return number * factor }
            if unit == "ms" { continue }
            return nil
        }
        return Double(lower).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// The problem with these settings, if any, for `EndpointConfiguration.validate`.
    func problem() -> String? {
        if maxRequests < 1 { return "batch.max_requests: must be at least 1, got \(maxRequests)" }
        if maxBytes < 1024 { return "batch.max_bytes: must be at least 1KB, got \(maxBytes) bytes" }
        if !(poll >= 0) || !poll.isFinite { return "batch.poll: must be a non-negative duration" }
        if completionWindow.isEmpty { return "batch.completion_window: must not be empty (OpenAI accepts 24h)" }
        return nil
    }
}
