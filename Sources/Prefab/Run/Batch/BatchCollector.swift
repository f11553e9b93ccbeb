import Foundation
import PrefabShards

/// Gathers, during one collection round, the calls of batch endpoints that the response cache
/// cannot answer, writing each at once into the endpoint's batch files (split by the endpoint's
/// `max_requests` and `max_bytes`), so memory holds only the keys, however many calls there are.
/// A call asked twice (by two prompts, or twice in a prompt) is written once.
final class BatchCollector: Sendable {
    private struct Group {
        var writer: BatchFileWriter
        var endpoint: String
        var stage: String
    }

    private struct State {
        var groups: [String: Group] = [:]
        /// The first 64 bits of each key: a collision (odds about 10^-8 among a million calls)
        /// only moves a call to the next round, which finds it still missing.
        var keys = Set<UInt64>()
        var error: (any Error)?
    }

    let directory: String
    let round: Int
    /// Tells this session's files from earlier sessions' (whose batches the journal may still list).
    let token: String
    private let state = Locked(State())

    init(directory: String, round: Int) {
        self.directory = directory
        self.round = round
        self.token = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)
    }

    /// Adds one call; false when its key was already collected this round. `estimate` is its
    /// tokens as the dry run estimates them, for the run's budget.
    @discardableResult
    func add(
        endpoint: String, stage: String, key: String, body: JSONValue, structured: Bool, anthropic: Bool, settings: BatchConfiguration,
        estimate: TokenUsage = TokenUsage()
    ) -> Bool {
        // The line is made outside the lock: it is most of the work.
        let line = BatchFileWriter.line(customID: key, body: body, anthropic: anthropic)
        return state.withLock { state in
            guard state.keys.insert(UInt64(key.prefix(16), radix: 16) ?? UInt64(truncatingIfNeeded: key.hashValue)).inserted else { return false }
            let name = "\(endpoint)\u{1F}\(stage)"
            if state.groups[name] == nil {
                let directory = self.directory, round = self.round, token = self.token
                let safe = String(endpoint.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
                let writer = BatchFileWriter(anthropic: anthropic, maxRequests: settings.maxRequests, maxBytes: settings.maxBytes) { part in
                    "\(directory)/r\(round)-\(token)-\(safe)-\(stage)-\(part).jsonl"
                }
                state.groups[name] = Group(writer: writer, endpoint: endpoint, stage: stage)
            }
            do {
                try state.groups[name]!.writer.append(line: line, structured: structured, estimate: estimate)
            } catch {
                if state.error == nil { state.error = error }
            }
            return true
        }
    }

    /// Calls collected so far this round.
    var count: Int { state.withLock { $0.keys.count } }

    /// Closes every file and returns the batches to journal, in a stable order.
    func finish() throws -> [JournaledBatch] {
        try state.withLock { state in
            if let error = state.error { throw error }
            var batches: [JournaledBatch] = []
            for name in state.groups.keys.sorted() {
                let group = state.groups[name]!
                for file in try group.writer.finish() {
                    var batch = JournaledBatch(
                        endpoint: group.endpoint, stage: group.stage, round: round, path: file.path, requests: file.requests,
                        bytes: file.bytes, structured: file.structured)
                    batch.estimate = file.estimate
                    batches.append(batch)
                }
            }
            return batches
        }
    }
}
