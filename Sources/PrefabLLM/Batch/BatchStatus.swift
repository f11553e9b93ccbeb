import Foundation
import PrefabShards

/// A batch as the provider reports it, in one shape for OpenAI and Anthropic.
public struct BatchStatus: Sendable, Hashable, Codable {
    /// The provider's own state word: OpenAI's `validating`, `in_progress`, `finalizing`,
    /// `completed`, `failed`, `expired`, `cancelling`, `cancelled`; Anthropic's `in_progress`,
    /// `canceling`, `ended`.
    public var state: String
    public var id: String
    public var total: Int
    public var succeeded: Int
    public var failed: Int
    /// OpenAI: the uploaded input and the files the results are in.
    public var inputFileID: String?
    public var outputFileID: String?
    public var errorFileID: String?
    /// Anthropic: where the results are.
    public var resultsURL: String?
    /// Seconds since 1970.
    public var createdAt: Double
    /// Why the provider rejected the whole batch (OpenAI `failed`).
    public var errors: String?
    /// OpenAI `metadata.prefab_batch`: the run's own name for the batch, for re-attaching.
    public var marker: String?

    /// Whether the provider is done with it (its results, if any, can be read).
    public var isOver: Bool {
        ["completed", "failed", "expired", "cancelled", "ended"].contains(state)
    }

    static func openAI(_ json: JSONValue) throws -> BatchStatus {
        guard let id = json["id"]?.stringValue, let state = json["status"]?.stringValue else {
            throw WireError("a batch object without id and status")
        }
        let counts = json["request_counts"]
        var errors: String?
        if let data = json["errors"]?["data"]?.arrayValue, !data.isEmpty {
            errors = data.prefix(3).compactMap { $0["message"]?.stringValue }.joined(separator: "; ")
        }
        return BatchStatus(
            state: state, id: id, total: Int(counts?["total"]?.intValue ?? 0),
            succeeded: Int(counts?["completed"]?.intValue ?? 0), failed: Int(counts?["failed"]?.intValue ?? 0),
            inputFileID: json["input_file_id"]?.stringValue, outputFileID: json["output_file_id"]?.stringValue,
            errorFileID: json["error_file_id"]?.stringValue, resultsURL: nil,
            createdAt: json["created_at"]?.doubleValue ?? 0, errors: errors,
            marker: json["metadata"]?["prefab_batch"]?.stringValue)
    }

    static func anthropic(_ json: JSONValue) throws -> BatchStatus {
        guard let id = json["id"]?.stringValue, let state = json["processing_status"]?.stringValue else {
            throw WireError("a message batch without id and processing_status")
        }
        let counts = json["request_counts"]
        func count(_ key: String) -> Int { Int(counts?[key]?.intValue ?? 0) }
        let created = json["created_at"]?.stringValue.flatMap(Self.date) ?? 0
        return BatchStatus(
            state: state, id: id, total: count("processing") + count("succeeded") + count("errored") + count("canceled") + count("expired"),
            succeeded: count("succeeded"), failed: count("errored") + count("canceled") + count("expired"),
            inputFileID: nil, outputFileID: nil, errorFileID: nil, resultsURL: json["results_url"]?.stringValue,
            createdAt: created, errors: nil, marker: nil)
    }

    /// RFC 3339, with or without fractional seconds.
    static func date(_ text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}
