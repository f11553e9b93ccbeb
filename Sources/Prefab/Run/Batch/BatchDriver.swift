import Foundation
import Logging
import PrefabShards

/// Takes journaled batches to the end: upload (OpenAI), create, poll, read the results into the
/// response cache, record the requests that failed. Each step is journaled before and after the
/// provider call, so a process killed at any moment is picked up where it was:
///
/// - `uploading`: the provider's files are searched for this batch's file; one of the right size
///   is adopted, else the file is uploaded again.
/// - an upload whose stored size differs from the file's (cut off) is replaced by a new upload.
/// - `creating`: the provider's batches are searched for the one this call made (OpenAI: by its
///   input file and `metadata.prefab_batch`; Anthropic: created since the call began, with the
///   same request count, not already journaled), and adopted; only if none exists is it created.
///   These searches come first, one at a time, before this session creates any batch.
/// - `created`: polled again. `ended`: its results are read again (storing them is idempotent).
struct BatchDriver: Sendable {
    let journal: RunJournal
    let cache: ResponseCache
    let clients: [String: EndpointClient]
    let monitor: RunMonitor
    let control: RunControl
    let tally: BatchTally
    /// Uploads, create calls that carry the requests (Anthropic) and result downloads, one at a
    /// time: each holds a whole batch file in memory, so memory holds one however many batches
    /// a round has.
    let transfers = ConcurrencyGate(limit: 1)
    /// Held while a batch's budget figures change and the journal records them with the batch's
    /// new state: another batch's journal write (which carries the whole ledger) can then never
    /// record one batch's reservation or settlement without that batch's state.
    let spending = Locked(())
    /// How long after a lost create call began the run keeps looking for the batch it made: the
    /// provider may take the call in and create the batch after the process that sent it died
    /// (later than the next session's first look), and creating it again would pay twice.
    var lostCreateGrace: Double = 30
    var logger = Logger(label: "prefab.batch")

    /// Drives `batches` concurrently until each is collected (or the run is asked to stop).
    func drive(_ batches: [JournaledBatch]) async throws(RunError) {
        guard !batches.isEmpty else { return }
        for batch in batches { tally.set(batch) }
        do {
            let batches = try await reattach(batches)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for batch in batches {
                    group.addTask { try await self.run(batch) }
                }
                try await group.waitForAll()
            }
        } catch let error as RunError {
            throw error
        } catch EndpointError.budgetExhausted {
            // A batch that would pass the request budget is not created: the run stops as for
            // any spent budget, and what the other batches answered stays in the cache.
            control.stop(.budget)
        } catch let error as EndpointError {
            throw .endpoint("batches: \(error)")
        } catch is CancellationError {
            return
        } catch {
            throw .endpoint("batches: \(error)")
        }
    }

    private func run(_ start: JournaledBatch) async throws {
        var batch = start
        guard let client = clients[batch.endpoint] else {
            throw RunError.endpoint("batch \(batch.id) belongs to endpoint '\(batch.endpoint)', which the config no longer has")
        }
        let api = BatchAPI(client: client)
        let settings = client.configuration.batching ?? BatchConfiguration()
        func save(_ state: JournaledBatch.State? = nil) throws {
            if let state { batch.state = state }
            try journal.updateBatch(batch)
            tally.set(batch)
            let line = tally.line
            monitor.update { $0.phase = "batches: \(line)" }
        }

        if batch.state == .written || batch.state == .uploading {
            if api.anthropic {
                // No upload: the create call carries the requests.
                try save(.uploaded)
            } else {
                var stored: (id: String, bytes: Int)?
                if batch.state == .uploading, let found = try await api.file(named: batch.marker), found.bytes == batch.bytes {
                    stored = found
                }
                var tries = 0
                while stored == nil {
                    tries += 1
                    batch.state = .uploading
                    // Journaled once its turn comes, right before the upload starts.
                    let uploading = batch
                    let uploaded = try await oneAtATime {
                        try self.journal.updateBatch(uploading)
                        return try await api.upload(path: uploading.path, name: uploading.marker)
                    }
                    tally.set(batch)
                    if uploaded.bytes < 0 || uploaded.bytes == batch.bytes {
                        stored = uploaded
                    } else {
                        logger.warning("a batch upload was cut off; uploading it again", metadata: [
                            "batch": "\(batch.id)", "sent": "\(batch.bytes)", "stored": "\(uploaded.bytes)",
                        ])
                        guard tries < 3 else {
                            throw RunError.endpoint(
                                "batch \(batch.id) (\(batch.endpoint)): the provider kept \(uploaded.bytes) of \(batch.bytes) bytes of \(batch.path) three times; check the connection and run again")
                        }
                    }
                }
                batch.fileID = stored!.id
                try save(.uploaded)
            }
        }

        if batch.state == .uploaded {
            if control.stopReason != nil { return }
            batch.state = .creating
            let waiting = batch
            // Reserved in the budget and journaled (with its time, for finding the batch again,
            // and the session's spending) once its turn comes, right before the create call
            // starts. A batch the budget cannot pay for in full is never created.
            let (created, creating) = try await oneAtATime { () async throws -> (BatchStatus, JournaledBatch) in
                var creating = waiting
                creating.creatingAt = Date().timeIntervalSince1970
                try self.spending.withLock { _ in
                    if creating.reserved {
                        try self.journal.updateBatch(creating)
                    } else {
                        try client.reserveBatch(requests: creating.requests, estimate: creating.estimate)
                        creating.reserved = true
                        try self.journal.updateBatch(creating, usage: client.ledger.records)
                    }
                }
                let status = try await api.create(
                    fileID: creating.fileID, path: creating.path, marker: creating.marker, structured: creating.structured,
                    completionWindow: settings.completionWindow)
                return (status, creating)
            }
            batch = creating
            batch.batchID = created.id
            batch.providerState = created.state
            try save(.created)
        }

        if batch.state == .created {
            guard let id = batch.batchID else { throw RunError.journal(path: journal.path, reason: "batch \(batch.id) is created but has no id") }
            while true {
                let status = try await api.retrieve(id)
                if status.state != batch.providerState || status.succeeded != batch.succeeded || status.failed != batch.failed {
                    batch.providerState = status.state
                    batch.succeeded = status.succeeded
                    batch.failed = status.failed
                    try save()
                }
                if status.isOver { break }
                if control.stopReason != nil { return }
                try await Task.sleep(for: .milliseconds(Int64(settings.poll * 1000)))
            }
            try save(.ended)
        }

        if batch.state == .ended {
            let ended = batch
            let (collected, usage, failures) = try await oneAtATime { try await self.collect(ended, api: api, client: client) }
            batch = collected
            batch.state = .collected
            // The estimate gives way to what the results used, journaled with the state.
            let settled = batch
            try spending.withLock { _ in
                client.settleBatch(estimate: settled.reserved ? settled.estimate : TokenUsage(), actual: usage, failures: failures)
                try journal.updateBatch(settled, usage: client.ledger.records)
            }
            try save()
        }
    }

    /// Settles the batches an earlier session left `creating` (its create call's answer lost),
    /// one after another and before this session creates anything: each is adopted when the
    /// provider has the batch that call made (looked for every `batch.poll`, at least a second
    /// apart, until `lostCreateGrace` has passed since the call began), else set back to
    /// `uploaded` (created afresh, its budget reservation kept). An Anthropic batch is recognised
    /// by its request count and time alone, so a create of this session running beside the
    /// search could be taken for it, and the lost one's batch left unjournaled: paid for, and its
    /// requests submitted a second time. A run asked to stop leaves the rest `creating`.
    private func reattach(_ batches: [JournaledBatch]) async throws -> [JournaledBatch] {
        var result: [JournaledBatch] = []
        for var batch in batches {
            if batch.state == .creating, let client = clients[batch.endpoint] {
                let api = BatchAPI(client: client)
                let poll = max(1, (client.configuration.batching ?? BatchConfiguration()).poll)
                var found = try await findCreated(batch, api: api)
                while found == nil, control.stopReason == nil {
                    let left = (batch.creatingAt ?? 0) + lostCreateGrace - Date().timeIntervalSince1970
                    if left <= 0 { break }
                    monitor.update { $0.phase = "batches: looking for the batch of an interrupted create call" }
                    try await Task.sleep(for: .seconds(min(poll, left)))
                    found = try await findCreated(batch, api: api)
                }
                if let status = found {
                    batch.batchID = status.id
                    batch.providerState = status.state
                    batch.state = .created
                } else if control.stopReason != nil {
                    result.append(batch)
                    continue
                } else {
                    batch.state = .uploaded
                }
                try journal.updateBatch(batch)
                tally.set(batch)
            }
            result.append(batch)
        }
        return result
    }

    private func oneAtATime<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await transfers.run { () async -> Result<T, any Error> in
            do {
                return .success(try await body())
            } catch {
                return .failure(error)
            }
        }.get()
    }

    /// The batch a lost create call made, if the provider has it.
    private func findCreated(_ batch: JournaledBatch, api: BatchAPI) async throws -> BatchStatus? {
        let listed = try await api.list()
        if !api.anthropic {
            return listed.first { $0.marker == batch.marker || ($0.inputFileID != nil && $0.inputFileID == batch.fileID) }
        }
        let known = Set(try journal.batches().compactMap(\.batchID))
        let since = (batch.creatingAt ?? 0) - 120
        return listed.filter { !known.contains($0.id) && $0.total == batch.requests && $0.createdAt >= since }
            .min { $0.createdAt < $1.createdAt }
    }

    /// Reads a finished batch's results into the cache and records every request that did not
    /// succeed (answered with an error, expired, cancelled, or missing from the results). Returns
    /// the batch with its counts, the usage its answers report per model, and how many failed;
    /// the caller settles them in the budget.
    private func collect(
        _ ended: JournaledBatch, api: BatchAPI, client: EndpointClient
    ) async throws -> (JournaledBatch, [String: TokenUsage], Int) {
        var batch = ended
        guard let id = batch.batchID else { return (batch, [:], 0) }
        let status = try await api.retrieve(id)
        var answered = Set<String>()
        var usage: [String: TokenUsage] = [:]
        var failures: [(key: String, endpoint: String, status: Int?, reason: String)] = []
        let encoder = JSONEncoder()
        let model = client.identity.model
        let cache = self.cache
        let endpoint = batch.endpoint
        try await api.forEachResult(of: status, scratch: batch.path + ".results") { result in
            switch result.outcome {
            case .succeeded(let body):
                do {
                    var response = try client.parseBatchAnswer(body, model: model)
                    response.cached = false
                    cache.store(result.customID, ResponseCache.Entry(
                        kind: "chat", model: response.model, payload: try encoder.encode(response), usage: response.usage, latency: 0))
                    // A result read twice (a provider repeating a line) is counted once.
                    if answered.insert(result.customID).inserted {
                        usage[response.model, default: TokenUsage()] = usage[response.model, default: TokenUsage()] + response.usage
                    }
                } catch {
                    failures.append((result.customID, endpoint, nil, client.scrubbed("an answer that is not the API's JSON: \(error)")))
                }
            case .failed(let code, let reason):
                failures.append((result.customID, endpoint, code, client.scrubbed(reason)))
            }
        }
        // Requests the results do not mention (a batch that expired, was cancelled or failed).
        let mentioned = answered.union(failures.map(\.key))
        try Self.forEachCustomID(in: batch.path) { key in
            if !mentioned.contains(key) {
                failures.append((key, endpoint, nil, "not answered: the batch ended '\(status.state)'\(status.errors.map { " (\($0))" } ?? "")"))
            }
        }
        try journal.recordBatchFailures(batch: batch.id, failures)
        do {
            try await cache.flush()
        } catch {
            throw RunError.cache(error)
        }
        batch.succeeded = answered.count
        batch.failed = failures.count
        batch.providerState = status.state
        if !failures.isEmpty {
            logger.notice("batch requests failed; they go into the next batch", metadata: [
                "batch": "\(batch.id)", "failed": "\(failures.count)", "first": "\(failures[0].reason)",
            ])
        }
        return (batch, usage, failures.count)
    }

    /// Calls `body` with each custom id (cache key) of a batch file, in order, reading the file a
    /// piece at a time.
    static func forEachCustomID(in path: String, _ body: (String) throws -> Void) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw BatchFileError(path: path, reason: "cannot be read (it is needed until its batch is collected)")
        }
        let prefix = Array("{\"custom_id\":\"".utf8)
        try BatchResult.forEachLine(inFile: path) { line in
            guard line.count > prefix.count + 64, line.starts(with: prefix) else { return }
            try body(String(decoding: UnsafeRawBufferPointer(rebasing: line[prefix.count..<(prefix.count + 64)]), as: UTF8.self))
        }
    }
}

/// The run's batches by state, for the progress display and the summary.
final class BatchTally: Sendable {
    private let batches = Locked<[Int64: (state: String, requests: Int)]>([:])

    func set(_ batch: JournaledBatch) {
        let state = batch.state == .created ? (batch.providerState ?? "created") : batch.state.rawValue
        batches.withLock { $0[batch.id] = (state, batch.requests) }
    }

    /// "2 in_progress (4,000 requests), 1 collected (2,000 requests)".
    var line: String {
        let counts = batches.withLock { batches in
            batches.values.reduce(into: [String: (batches: Int, requests: Int)]()) { $0[$1.state, default: (0, 0)].batches += 1; $0[$1.state]!.requests += $1.requests }
        }
        return counts.sorted { $0.key < $1.key }.map { "\($0.value.batches) \($0.key) (\($0.value.requests) requests)" }.joined(separator: ", ")
    }
}
