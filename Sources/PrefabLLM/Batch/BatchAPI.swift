import Foundation
import PrefabShards

/// The provider's batch routes for one endpoint: OpenAI's Files and Batch APIs, or Anthropic's
/// Message Batches. Each call is retried while its failures are transient (the endpoint's retry
/// policy); a refusal throws `EndpointError`.
package struct BatchAPI: Sendable {
    package let client: EndpointClient

    package init(client: EndpointClient) {
        self.client = client
    }

    package var anthropic: Bool { client.speaksAnthropic }

    /// Uploads `path` (OpenAI, purpose `batch`) as `name`; returns the file id and the size the
    /// provider stored, which the caller compares with the file's own to catch a cut-off upload.
    package func upload(path: String, name: String) async throws -> (id: String, bytes: Int) {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw BatchFileError(path: path, reason: "cannot be read")
        }
        let boundary = "prefab-\(UUID().uuidString)"
        var body = Data()
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n".utf8))
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/jsonl\r\n\r\n".utf8))
        body.append(contents)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        let data = try await client.batchCall(.post, "/files", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        let json = try Self.json(data)
        guard let id = json["id"]?.stringValue else { throw WireError("the upload's answer has no file id") }
        return (id, Int(json["bytes"]?.intValue ?? -1))
    }

    /// The uploaded file called `name`, if the provider has one (an upload whose answer was lost).
    package func file(named name: String) async throws -> (id: String, bytes: Int)? {
        let json = try Self.json(try await client.batchCall(.get, "/files?purpose=batch"))
        for file in json["data"]?.arrayValue ?? [] where file["filename"]?.stringValue == name {
            if let id = file["id"]?.stringValue { return (id, Int(file["bytes"]?.intValue ?? -1)) }
        }
        return nil
    }

    /// Creates the batch: OpenAI from the uploaded `fileID`, Anthropic from the lines in `path`.
    /// `marker` (OpenAI metadata `prefab_batch`) names it for re-attaching.
    package func create(fileID: String?, path: String, marker: String, structured: Bool, completionWindow: String) async throws -> BatchStatus {
        if anthropic {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw BatchFileError(path: path, reason: "cannot be read")
            }
            var body = Data("{\"requests\":[".utf8)
            body.reserveCapacity(contents.count + 32)
            var first = true
            BatchResult.forEachLine(contents) { line in
                if !first { body.append(0x2C) }
                first = false
                body.append(contentsOf: line)
            }
            body.append(Data("]}".utf8))
            let headers = structured ? ["anthropic-beta": AnthropicWire.structuredOutputsBeta] : [:]
            return try BatchStatus.anthropic(Self.json(try await client.batchCall(.post, "/messages/batches", body: body, extraHeaders: headers)))
        }
        let body: JSONValue = [
            "input_file_id": .string(fileID ?? ""), "endpoint": "/v1/chat/completions",
            "completion_window": .string(completionWindow), "metadata": ["prefab_batch": .string(marker)],
        ]
        return try BatchStatus.openAI(Self.json(try await client.batchCall(.post, "/batches", body: Data(body.serializedBytes()))))
    }

    package func retrieve(_ id: String) async throws -> BatchStatus {
        let data = try await client.batchCall(.get, anthropic ? "/messages/batches/\(id)" : "/batches/\(id)")
        return try anthropic ? BatchStatus.anthropic(Self.json(data)) : BatchStatus.openAI(Self.json(data))
    }

    /// The provider's batches, newest first (the first page: 100 of them).
    package func list() async throws -> [BatchStatus] {
        let data = try await client.batchCall(.get, anthropic ? "/messages/batches?limit=100" : "/batches?limit=100")
        return try (Self.json(data)["data"]?.arrayValue ?? []).map { try anthropic ? BatchStatus.anthropic($0) : BatchStatus.openAI($0) }
    }

    package func cancel(_ id: String) async throws -> BatchStatus {
        let data = try await client.batchCall(.post, anthropic ? "/messages/batches/\(id)/cancel" : "/batches/\(id)/cancel")
        return try anthropic ? BatchStatus.anthropic(Self.json(data)) : BatchStatus.openAI(Self.json(data))
    }

    /// Calls `body` for every result line of a finished batch: OpenAI's output then error file,
    /// or Anthropic's results. Each file is downloaded into `scratch` (a file path, removed
    /// afterwards) as it arrives and read back a line at a time, so memory holds neither.
    package func forEachResult(of status: BatchStatus, scratch: String, _ body: (BatchResult) throws -> Void) async throws {
        defer { unlink(scratch) }
        if anthropic {
            guard let url = status.resultsURL else { return }
            _ = try await client.batchCall(.get, url, timeout: 3600, download: scratch)
            try BatchResult.forEachLine(inFile: scratch) { try body(try BatchResult.anthropic(line: $0)) }
            return
        }
        for fileID in [status.outputFileID, status.errorFileID].compactMap({ $0 }) {
            _ = try await client.batchCall(.get, "/files/\(fileID)/content", timeout: 3600, download: scratch)
            try BatchResult.forEachLine(inFile: scratch) { try body(try BatchResult.openAI(line: $0)) }
        }
    }

    private static func json(_ data: Data) throws -> JSONValue {
        do {
            return try JSONValue(parsing: data)
        } catch {
            throw WireError("not JSON: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
    }
}
