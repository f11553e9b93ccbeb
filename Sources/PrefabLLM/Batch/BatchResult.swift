import Foundation
import PrefabShards

/// One line of a batch's results: which request (`customID`, its cache key) and what came of it.
public struct BatchResult: Sendable {
    public enum Outcome: Sendable {
        /// The body the synchronous endpoint would have answered with.
        case succeeded(body: JSONValue)
        /// The request failed: its HTTP status when the provider gave one, and why.
        case failed(status: Int?, reason: String)
    }

    public var customID: String
    public var outcome: Outcome

    /// Reads one line of an OpenAI output or error file: `{custom_id, response: {status_code,
    /// body}, error}`.
    package static func openAI(line: UnsafeRawBufferPointer) throws -> BatchResult {
        let json = try JSONValue(parsing: line)
        guard let customID = json["custom_id"]?.stringValue else { throw WireError("a result line without custom_id") }
        if let response = json["response"], !response.isNull, let status = response["status_code"]?.intValue, let body = response["body"] {
            if (200..<300).contains(status) { return BatchResult(customID: customID, outcome: .succeeded(body: body)) }
            return BatchResult(customID: customID, outcome: .failed(status: Int(status), reason: ErrorMessage.extract(from: Data(body.serializedBytes()))))
        }
        let error = json["error"]
        let reason = [error?["code"]?.stringValue, error?["message"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
        return BatchResult(customID: customID, outcome: .failed(status: nil, reason: reason.isEmpty ? "no response" : reason))
    }

    /// Reads one line of Anthropic's results: `{custom_id, result: {type, message | error}}`.
    package static func anthropic(line: UnsafeRawBufferPointer) throws -> BatchResult {
        let json = try JSONValue(parsing: line)
        guard let customID = json["custom_id"]?.stringValue, let result = json["result"], let type = result["type"]?.stringValue else {
            throw WireError("a result line without custom_id and result.type")
        }
        switch type {
        case "succeeded":
            guard let message = result["message"] else { throw WireError("a succeeded result without its message") }
            return BatchResult(customID: customID, outcome: .succeeded(body: message))
        case "errored":
            let error = result["error"]?["error"] ?? result["error"]
            let reason = [error?["type"]?.stringValue, error?["message"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
            return BatchResult(customID: customID, outcome: .failed(status: nil, reason: reason.isEmpty ? "errored" : reason))
        default:
            return BatchResult(customID: customID, outcome: .failed(status: nil, reason: "the batch request was \(type)"))
        }
    }

    /// Calls `body` for every line of the JSONL file at `path`, read a piece at a time: memory
    /// holds one piece however large the file (a batch's results can be hundreds of MB).
    package static func forEachLine(inFile path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let reader = try JSONLFileReader(path: path, verification: .minimal)
        while let line = try reader.nextLine() { try body(line) }
    }

    /// Calls `body` for every line of `data` (JSONL), without copying the lines.
    package static func forEachLine(_ data: Data, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            var start = 0
            let count = all.count
            while start < count {
                var end = start
                while end < count, all[end] != 0x0A { end += 1 }
                if end > start {
                    var trimmedEnd = end
                    if all[trimmedEnd - 1] == 0x0D { trimmedEnd -= 1 }
                    if trimmedEnd > start { try body(UnsafeRawBufferPointer(rebasing: all[start..<trimmedEnd])) }
                }
                start = end + 1
            }
        }
    }
}
