import Foundation
import PrefabShards

/// Writes batch requests as the provider's JSONL, cutting a new file whenever the next line
/// would pass the request-count or the byte limit.
///
/// OpenAI lines are `{"custom_id", "method", "url", "body"}` (the file is uploaded as is);
/// Anthropic lines are `{"custom_id", "params"}` (joined into the create call's `requests`). The
/// body is the synchronous call's own body, serialized the same way, so a batch asks exactly
/// what a call one by one would. Lines are buffered and written in large pieces: the writer
/// keeps up with well over 100,000 requests a second on one core.
package final class BatchFileWriter {
    /// One finished file.
    package struct File: Sendable, Hashable {
        package var path: String
        package var requests: Int
        package var bytes: Int
        /// Whether a request in it asks for a JSON schema (Anthropic's structured-outputs beta).
        package var structured: Bool
        /// Its requests' tokens as the dry run estimates them (prompt text at about four
        /// characters a token, every answer at its `max_tokens`): what the run's budget reserves
        /// when the batch is submitted.
        package var estimate = TokenUsage()
    }

    package let anthropic: Bool
    package let maxRequests: Int
    package let maxBytes: Int
    private let pathForPart: (Int) -> String
    private var descriptor: Int32 = -1
    private var buffer: [UInt8] = []
    private var current = File(path: "", requests: 0, bytes: 0, structured: false)
    private var part = 0
    package private(set) var files: [File] = []

    /// `path(n)` names part n (0, 1, ...).
    package init(anthropic: Bool, maxRequests: Int, maxBytes: Int, path: @escaping (Int) -> String) {
        self.anthropic = anthropic
        self.maxRequests = max(1, maxRequests)
        self.maxBytes = max(1024, maxBytes)
        self.pathForPart = path
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The line for one request, newline included.
    package static func line(customID: String, body: JSONValue, anthropic: Bool) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(512)
        line.append(contentsOf: "{\"custom_id\":\"".utf8)
        line.append(contentsOf: customID.utf8)
        if anthropic {
            line.append(contentsOf: "\",\"params\":".utf8)
        } else {
            line.append(contentsOf: "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":".utf8)
        }
        line.append(contentsOf: body.canonicalBytes())
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    /// Adds one request (its `customID` must be a cache key: 64 hex characters, nothing to escape).
    package func append(customID: String, body: JSONValue, structured: Bool = false, estimate: TokenUsage = TokenUsage()) throws {
        try append(line: Self.line(customID: customID, body: body, anthropic: anthropic), structured: structured, estimate: estimate)
    }

    /// Adds one line made by `line(customID:body:anthropic:)`.
    package func append(line: [UInt8], structured: Bool, estimate: TokenUsage = TokenUsage()) throws {
        if descriptor >= 0, current.requests + 1 > maxRequests || current.bytes + line.count > maxBytes {
            try closeCurrent()
        }
        if descriptor < 0 { try openNext() }
        buffer.append(contentsOf: line)
        current.requests += 1
        current.bytes += line.count
        current.estimate = current.estimate + estimate
        if structured { current.structured = true }
        if buffer.count >= 1 << 20 { try drain() }
    }

    /// Writes and syncs what is buffered and returns every file.
    package func finish() throws -> [File] {
        if descriptor >= 0 { try closeCurrent() }
        return files
    }

    private func openNext() throws {
        let path = pathForPart(part)
        part += 1
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        descriptor = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw BatchFileError(path: path, reason: String(cString: strerror(errno))) }
        current = File(path: path, requests: 0, bytes: 0, structured: false)
    }

    private func drain() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw BatchFileError(path: current.path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private func closeCurrent() throws {
        try drain()
        // Synced before the journal names the file, so a journaled batch's file is whole.
        fsync(descriptor)
        close(descriptor)
        descriptor = -1
        files.append(current)
    }
}

/// A batch file that could not be written or read.
package struct BatchFileError: Error, CustomStringConvertible {
    package var path: String
    package var reason: String

    package init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    package var description: String { "batch file \(path): \(reason)" }
}
