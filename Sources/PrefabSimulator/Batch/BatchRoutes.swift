import Foundation
import PrefabShards

/// OpenAI's Files and Batch APIs and Anthropic's Message Batches API:
///
/// - `POST /v1/files` (multipart: `purpose`, `file`), `GET /v1/files`, `GET /v1/files/{id}`,
///   `GET /v1/files/{id}/content`, `DELETE /v1/files/{id}`;
/// - `POST /v1/batches`, `GET /v1/batches`, `GET /v1/batches/{id}`, `POST /v1/batches/{id}/cancel`;
/// - `POST /v1/messages/batches`, `GET /v1/messages/batches`, `GET /v1/messages/batches/{id}`,
///   `POST /v1/messages/batches/{id}/cancel`, `GET /v1/messages/batches/{id}/results`.
///
/// Every request in a batch is answered, when the batch is created, by the synchronous
/// endpoint's own code, so a batch's answers are the answers a client calling one by one would
/// get. The batch then shows as running until `batchDelaySeconds` have passed.
enum BatchRoutes {
    /// The reply for a batch route, or nil when `request` is for none of them.
    static func reply(to request: SimulatorRequest, context: EndpointContext, store: BatchStore) -> SimulatorReply? {
        let path = request.path
        let parts = path.split(separator: "/").map(String.init)
        let now = Date().timeIntervalSince1970
        switch (request.method, parts.count) {
        case ("POST", 2) where path == "/v1/files":
            return openAI { () throws(APIError) in try upload(request, context: context, store: store) }
        case ("GET", 2) where path == "/v1/files":
            return .json(200, ["object": "list", "data": .array(store.files().map(fileObject)), "has_more": false])
        case (_, 3) where parts[1] == "files":
            guard let file = store.file(parts[2]) else { return notFound("file", parts[2], .openAI) }
            if request.method == "DELETE" {
                _ = store.deleteFile(file.id)
                return .json(200, ["id": .string(file.id), "object": "file", "deleted": true])
            }
            return .json(200, fileObject(file))
        case ("GET", 4) where parts[1] == "files" && parts[3] == "content":
            guard let file = store.file(parts[2]) else { return notFound("file", parts[2], .openAI) }
            return SimulatorReply(status: 200, headers: [("content-type", "application/jsonl")], body: file.bytes)
        case ("POST", 2) where path == "/v1/batches":
            return openAI { () throws(APIError) in try createOpenAI(request, context: context, store: store) }
        case ("GET", 2) where path == "/v1/batches":
            let batches = store.batches(provider: .openAI, now: now)
            return .json(200, [
                "object": "list", "data": .array(batches.map { openAIObject($0, now: now) }),
                "first_id": batches.first.map { .string($0.id) } ?? .null,
                "last_id": batches.last.map { .string($0.id) } ?? .null, "has_more": false,
            ])
        case ("GET", 3) where parts[1] == "batches":
            guard let batch = store.batch(parts[2], now: now), batch.provider == .openAI else { return notFound("batch", parts[2], .openAI) }
            return .json(200, openAIObject(batch, now: now))
        case ("POST", 4) where parts[1] == "batches" && parts[3] == "cancel":
            guard let batch = store.cancel(parts[2], now: now), batch.provider == .openAI else { return notFound("batch", parts[2], .openAI) }
            return .json(200, openAIObject(batch, now: now, status: batch.cancelRequestedAt != nil ? "cancelling" : nil))
        case ("POST", 3) where path == "/v1/messages/batches":
            do {
                return try createAnthropic(request, context: context, store: store)
            } catch {
                return error.reply(style: .anthropic)
            }
        case ("GET", 3) where path == "/v1/messages/batches":
            let batches = store.batches(provider: .anthropic, now: now)
            return .json(200, [
                "data": .array(batches.map { anthropicObject($0, now: now, host: request.header("host")) }),
                "has_more": false,
                "first_id": batches.first.map { .string($0.id) } ?? .null,
                "last_id": batches.last.map { .string($0.id) } ?? .null,
            ])
        case ("GET", 4) where parts[1] == "messages" && parts[2] == "batches":
            guard let batch = store.batch(parts[3], now: now), batch.provider == .anthropic else {
                return notFound("message batch", parts[3], .anthropic)
            }
            return .json(200, anthropicObject(batch, now: now, host: request.header("host")))
        case ("POST", 5) where parts[1] == "messages" && parts[2] == "batches" && parts[4] == "cancel":
            guard let batch = store.cancel(parts[3], now: now), batch.provider == .anthropic else {
                return notFound("message batch", parts[3], .anthropic)
            }
            return .json(200, anthropicObject(
                batch, now: now, host: request.header("host"), status: batch.cancelRequestedAt != nil ? "canceling" : nil))
        case ("GET", 5) where parts[1] == "messages" && parts[2] == "batches" && parts[4] == "results":
            guard let batch = store.batch(parts[3], now: now), batch.provider == .anthropic else {
                return notFound("message batch", parts[3], .anthropic)
            }
            guard batch.isOver(at: now) else {
                return APIError(400, "Message batch \(batch.id) is still in progress; its results are not available yet.")
                    .reply(style: .anthropic)
            }
            return SimulatorReply(status: 200, headers: [("content-type", "application/x-jsonl")], body: anthropicResults(batch))
        default:
            return nil
        }
    }

    // MARK: OpenAI

    private static func openAI(_ body: () throws(APIError) -> SimulatorReply) -> SimulatorReply {
        do {
            return try body()
        } catch {
            return error.reply(style: .openAI)
        }
    }

    private static func notFound(_ what: String, _ id: String, _ style: APIError.Style) -> SimulatorReply {
        APIError(404, "No \(what) found with id '\(id)'.").reply(style: style)
    }

    private static func upload(_ request: SimulatorRequest, context: EndpointContext, store: BatchStore) throws(APIError) -> SimulatorReply {
        guard let contentType = request.header("content-type"), let boundary = Multipart.boundary(contentType) else {
            throw APIError.invalid("POST /v1/files takes multipart/form-data with the fields 'purpose' and 'file'.")
        }
        let fields = Multipart.parse(request.body, boundary: boundary)
        guard let purpose = fields.first(where: { $0.name == "purpose" }).map({ String(decoding: $0.value, as: UTF8.self) }) else {
            throw APIError.invalid("Missing required parameter: 'purpose'.", param: "purpose")
        }
        guard let file = fields.first(where: { $0.name == "file" }) else {
            throw APIError.invalid("Missing required parameter: 'file'.", param: "file")
        }
        let stored = store.addFile(
            filename: file.filename ?? "upload.jsonl", purpose: purpose, bytes: file.value,
            truncateFirst: context.configuration.batchFaults.truncateUpload)
        return .json(200, fileObject(stored))
    }

    private static func fileObject(_ file: BatchStore.StoredFile) -> JSONValue {
        [
            "id": .string(file.id), "object": "file", "bytes": .int(Int64(file.bytes.count)),
            "created_at": .int(Int64(file.createdAt)), "filename": .string(file.filename),
            "purpose": .string(file.purpose), "status": "processed",
        ]
    }

    private static func createOpenAI(_ request: SimulatorRequest, context: EndpointContext, store: BatchStore) throws(APIError) -> SimulatorReply {
        let body = try RequestFields.body(request.body)
        let inputFileID = try RequestFields.string(body, "input_file_id", required: true)!
        let endpoint = try RequestFields.string(body, "endpoint", required: true)!
        let window = try RequestFields.string(body, "completion_window", required: true)!
        guard endpoint == ChatCompletionsEndpoint.path else {
            throw APIError.invalid("prefab-sim batches serve only endpoint '/v1/chat/completions', not '\(endpoint)'.", param: "endpoint")
        }
        guard let file = store.file(inputFileID) else {
            throw APIError(404, "No file found with id '\(inputFileID)'.", param: "input_file_id")
        }
        guard file.purpose == "batch" else {
            throw APIError.invalid("File \(inputFileID) was uploaded with purpose '\(file.purpose)', not 'batch'.", param: "input_file_id")
        }
        var requests: [(customID: String, body: [UInt8])] = []
        var failure: String?
        var seen = Set<String>()
        for (number, line) in file.bytes.split(separator: 0x0A, omittingEmptySubsequences: true).enumerated() {
            guard let value = try? JSONValue(parsing: Array(line)), let customID = value["custom_id"]?.stringValue,
                let lineBody = value["body"], lineBody.objectValue != nil
            else {
                failure = "line \(number + 1): not a JSON object with custom_id, method, url and body"
                break
            }
            guard value["url"]?.stringValue == endpoint, value["method"]?.stringValue == "POST" else {
                failure = "line \(number + 1): the url must be \(endpoint) and the method POST"
                break
            }
            guard seen.insert(customID).inserted else {
                failure = "line \(number + 1): custom_id '\(customID)' is used twice"
                break
            }
            requests.append((customID, lineBody.canonicalBytes()))
        }
        let batch = makeBatch(
            provider: .openAI, endpoint: endpoint, inputFileID: inputFileID, window: window, metadata: body["metadata"] ?? .null,
            requests: failure == nil ? requests : [], failure: failure, headers: [:], context: context, store: store)
        return .json(200, openAIObject(batch, now: batch.createdAt))
    }

    private static func openAIObject(_ batch: SimulatedBatch, now: Double, status: String? = nil) -> JSONValue {
        let over = batch.isOver(at: now)
        let delivered = over ? batch.delivered : []
        let completed = delivered.filter { $0.status == 200 }.count
        var failed = delivered.count - completed
        if case .expired = batch.finalEnding, over { failed = batch.answers.count }
        var errors = JSONValue.null
        if case .failed(let message) = batch.ending {
            errors = ["object": "list", "data": [["code": "invalid_request", "message": .string(message), "line": .null, "param": .null]]]
        }
        func time(_ value: Double?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
        let current = status ?? batch.openAIStatus(at: now)
        return [
            "id": .string(batch.id), "object": "batch", "endpoint": .string(batch.endpoint), "errors": errors,
            "input_file_id": batch.inputFileID.map(JSONValue.string) ?? .null,
            "completion_window": .string(batch.completionWindow), "status": .string(current),
            "output_file_id": batch.outputFileID.map(JSONValue.string) ?? .null,
            "error_file_id": batch.errorFileID.map(JSONValue.string) ?? .null,
            "created_at": time(batch.createdAt), "in_progress_at": time(batch.createdAt),
            "expires_at": time(batch.createdAt + 86_400),
            "completed_at": time(current == "completed" ? batch.completesAt : nil),
            "cancelled_at": time(current == "cancelled" ? batch.cancelRequestedAt ?? batch.completesAt : nil),
            "request_counts": [
                "total": .int(Int64(batch.answers.count)), "completed": .int(Int64(completed)), "failed": .int(Int64(failed)),
            ],
            "metadata": batch.metadata,
        ]
    }

    // MARK: Anthropic

    private static func createAnthropic(_ request: SimulatorRequest, context: EndpointContext, store: BatchStore) throws(APIError) -> SimulatorReply {
        guard let version = request.header("anthropic-version"), !version.isEmpty else {
            throw APIError.invalid("anthropic-version: header is required")
        }
        let body = try RequestFields.body(request.body)
        guard let items = body["requests"]?.arrayValue, !items.isEmpty else {
            throw APIError.invalid("requests: a non-empty list of {custom_id, params} is required", param: "requests")
        }
        var requests: [(customID: String, body: [UInt8])] = []
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            guard let customID = item["custom_id"]?.stringValue, let params = item["params"], params.objectValue != nil else {
                throw APIError.invalid("requests.\(index): expected {custom_id, params}", param: "requests.\(index)")
            }
            guard (1...64).contains(customID.utf8.count),
                customID.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
            else {
                throw APIError.invalid("requests.\(index).custom_id: must be 1 to 64 letters, digits, '-' or '_'", param: "requests.\(index).custom_id")
            }
            guard seen.insert(customID).inserted else {
                throw APIError.invalid("requests.\(index).custom_id: '\(customID)' is used twice in this batch", param: "requests.\(index).custom_id")
            }
            requests.append((customID, params.canonicalBytes()))
        }
        let batch = makeBatch(
            provider: .anthropic, endpoint: AnthropicMessagesEndpoint.path, inputFileID: nil, window: "24h", metadata: .null,
            requests: requests, failure: nil, headers: ["anthropic-version": version], context: context, store: store)
        return .json(200, anthropicObject(batch, now: batch.createdAt, host: request.header("host")))
    }

    private static func anthropicObject(_ batch: SimulatedBatch, now: Double, host: String?, status: String? = nil) -> JSONValue {
        let over = batch.isOver(at: now)
        var counts = (processing: over ? 0 : batch.answers.count, succeeded: 0, errored: 0, canceled: 0, expired: 0)
        if over {
            for result in anthropicOutcomes(batch) {
                switch result.type {
                case "succeeded": counts.succeeded += 1
                case "errored": counts.errored += 1
                case "canceled": counts.canceled += 1
                default: counts.expired += 1
                }
            }
        }
        func date(_ seconds: Double?) -> JSONValue {
            guard let seconds else { return .null }
            return .string(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds)))
        }
        let current = status ?? batch.anthropicStatus(at: now)
        return [
            "id": .string(batch.id), "type": "message_batch", "processing_status": .string(current),
            "request_counts": [
                "processing": .int(Int64(counts.processing)), "succeeded": .int(Int64(counts.succeeded)),
                "errored": .int(Int64(counts.errored)), "canceled": .int(Int64(counts.canceled)), "expired": .int(Int64(counts.expired)),
            ],
            "ended_at": date(current == "ended" ? min(now, batch.cancelRequestedAt ?? batch.completesAt) : nil),
            "created_at": date(batch.createdAt), "expires_at": date(batch.createdAt + 86_400),
            "cancel_initiated_at": date(batch.cancelRequestedAt), "archived_at": .null,
            "results_url": current == "ended"
                ? .string("http://\(host ?? "127.0.0.1")/v1/messages/batches/\(batch.id)/results") : .null,
        ]
    }

    /// Each request's result type and line, as the results file lists them.
    private static func anthropicOutcomes(_ batch: SimulatedBatch) -> [(type: String, line: [UInt8])] {
        let delivered = batch.delivered
        let ending = batch.finalEnding
        var outcomes: [(String, [UInt8])] = []
        for answer in delivered {
            var writer = JSONWriter(capacity: answer.body.count + 96)
            writer.raw("{\"custom_id\":")
            writer.string(answer.customID)
            if answer.status == 200 {
                writer.raw(",\"result\":{\"type\":\"succeeded\",\"message\":")
                writer.raw(String(decoding: answer.body, as: UTF8.self))
                writer.raw("}}\n")
                outcomes.append(("succeeded", writer.bytes))
            } else {
                // The synchronous error body is already Anthropic's {"type":"error","error":{...}}.
                writer.raw(",\"result\":{\"type\":\"errored\",\"error\":")
                writer.raw(String(decoding: answer.body, as: UTF8.self))
                writer.raw("}}\n")
                outcomes.append(("errored", writer.bytes))
            }
        }
        let answered = Set(delivered.map(\.customID))
        let missingType: String?
        switch ending {
        case .expired: missingType = "expired"
        case .cancelled: missingType = "canceled"
        case .completed, .failed: missingType = nil
        }
        if let missingType {
            for answer in batch.answers where !answered.contains(answer.customID) {
                var writer = JSONWriter(capacity: 128)
                writer.raw("{\"custom_id\":")
                writer.string(answer.customID)
                writer.raw(",\"result\":{\"type\":\"\(missingType)\"}}\n")
                outcomes.append((missingType, writer.bytes))
            }
        }
        return outcomes
    }

    private static func anthropicResults(_ batch: SimulatedBatch) -> [UInt8] {
        anthropicOutcomes(batch).flatMap(\.line)
    }

    // MARK: Both

    /// Answers every request with the synchronous endpoint and stores the batch.
    private static func makeBatch(
        provider: SimulatedBatch.Provider, endpoint: String, inputFileID: String?, window: String, metadata: JSONValue,
        requests: [(customID: String, body: [UInt8])], failure: String?, headers: [String: String],
        context: EndpointContext, store: BatchStore
    ) -> SimulatedBatch {
        let configuration = context.configuration
        let faults = configuration.batchFaults
        let index = store.nextBatchIndex()
        var answers: [SimulatedBatch.Answer] = []
        answers.reserveCapacity(requests.count)
        for (customID, body) in requests {
            var hasher = StableHasher(seed: configuration.seed)
            hasher.combine("batch-fail")
            hasher.combine(customID)
            hasher.combine(index)
            if faults.failRate > 0, Double(hasher.finalize() >> 11) / Double(1 << 53) < faults.failRate {
                context.recorder.recordFault("batch_request_error")
                let error = APIError(500, "The server had an error processing this request (injected by prefab-sim).")
                answers.append(.init(customID: customID, status: 500, body: error.reply(style: provider == .openAI ? .openAI : .anthropic).body))
                continue
            }
            let single = SimulatorRequest(method: "POST", path: endpoint, headers: headers, body: body)
            let reply = provider == .openAI
                ? ChatCompletionsEndpoint.reply(to: single, context: context)
                : AnthropicMessagesEndpoint.reply(to: single, context: context)
            answers.append(.init(customID: customID, status: reply.status, body: reply.body))
        }
        var ending = SimulatedBatch.Ending.completed
        if let failure {
            ending = .failed(failure)
        } else if index < faults.expire {
            ending = .expired
            context.recorder.recordFault("batch_expired")
        } else if index < faults.cancel {
            ending = .cancelled
            context.recorder.recordFault("batch_cancelled")
        }
        let partial = failure == nil && index < faults.partial
        if partial { context.recorder.recordFault("batch_partial_output") }
        let now = Date().timeIntervalSince1970
        let prefix = provider == .openAI ? "batch_sim" : "msgbatch_sim"
        var idHasher = StableHasher(seed: configuration.seed)
        idHasher.combine(now)
        idHasher.combine(index)
        let batch = SimulatedBatch(
            id: "\(prefix)\(String(index, radix: 16))x\(String(idHasher.finalize() & 0xFFFF_FFFF, radix: 16))",
            provider: provider, endpoint: endpoint, inputFileID: inputFileID, completionWindow: window, metadata: metadata,
            createdAt: now, completesAt: now + configuration.batchDelaySeconds, answers: answers, ending: ending, partial: partial)
        store.add(batch)
        context.recorder.recordBatch(provider: provider.rawValue, requests: requests.count)
        return batch
    }
}
