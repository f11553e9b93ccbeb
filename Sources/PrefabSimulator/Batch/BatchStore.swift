import Foundation
import NIOConcurrencyHelpers
import PrefabShards

/// The simulator's uploaded files and batches, in memory for as long as it runs (a client that
/// is killed and restarted finds its batches still there, as with a real provider).
final class BatchStore: Sendable {
    struct StoredFile: Sendable {
        var id: String
        var filename: String
        var purpose: String
        var bytes: [UInt8]
        var createdAt: Int
    }

    private struct State {
        var files: [String: StoredFile] = [:]
        var fileOrder: [String] = []
        var batches: [String: SimulatedBatch] = [:]
        var batchOrder: [String] = []
        var uploads = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Stores an upload; the first `truncateFirst` uploads keep only half their bytes.
    func addFile(filename: String, purpose: String, bytes: [UInt8], truncateFirst: Int) -> StoredFile {
        state.withLockedValue { state in
            let index = state.uploads
            state.uploads += 1
            let kept = index < truncateFirst ? Array(bytes.prefix(bytes.count / 2)) : bytes
            var hasher = StableHasher()
            bytes.withUnsafeBytes { hasher.combine($0) }
            let file = StoredFile(
                id: "file-sim\(String(index, radix: 16))x\(String(hasher.finalize() & 0xFFFF_FFFF, radix: 16))",
                filename: filename, purpose: purpose, bytes: kept, createdAt: Int(Date().timeIntervalSince1970))
            state.files[file.id] = file
            state.fileOrder.append(file.id)
            return file
        }
    }

    func file(_ id: String) -> StoredFile? {
        state.withLockedValue { $0.files[id] }
    }

    func files() -> [StoredFile] {
        state.withLockedValue { state in state.fileOrder.compactMap { state.files[$0] } }
    }

    func deleteFile(_ id: String) -> Bool {
        state.withLockedValue { state in
            guard state.files.removeValue(forKey: id) != nil else { return false }
            state.fileOrder.removeAll { $0 == id }
            return true
        }
    }

    /// The number batch `index` will have: how many were created before it.
    func nextBatchIndex() -> Int {
        state.withLockedValue { $0.batchOrder.count }
    }

    func add(_ batch: SimulatedBatch) {
        state.withLockedValue { state in
            state.batches[batch.id] = batch
            state.batchOrder.append(batch.id)
        }
    }

    /// The batch as it is now, its output and error files written once it is over (OpenAI).
    func batch(_ id: String, now: Double) -> SimulatedBatch? {
        state.withLockedValue { state in
            guard var batch = state.batches[id] else { return nil }
            if batch.provider == .openAI, batch.isOver(at: now), batch.outputFileID == nil, batch.errorFileID == nil {
                Self.writeFiles(&batch, into: &state)
                state.batches[id] = batch
            }
            return batch
        }
    }

    /// Every batch of `provider`, newest first.
    func batches(provider: SimulatedBatch.Provider, now: Double) -> [SimulatedBatch] {
        let ids = state.withLockedValue { state in state.batchOrder.reversed().filter { state.batches[$0]?.provider == provider } }
        return ids.compactMap { batch($0, now: now) }
    }

    /// Marks a batch cancelled by the client; nil when there is no such batch.
    func cancel(_ id: String, now: Double) -> SimulatedBatch? {
        state.withLockedValue { state in
            guard var batch = state.batches[id] else { return nil }
            if !batch.isOver(at: now) { batch.cancelRequestedAt = now }
            state.batches[id] = batch
            return batch
        }
    }

    private static func writeFiles(_ batch: inout SimulatedBatch, into state: inout State) {
        var output: [UInt8] = []
        var errors: [UInt8] = []
        let ending = batch.finalEnding
        for (offset, answer) in batch.delivered.enumerated() {
            var writer = JSONWriter(capacity: answer.body.count + 160)
            writer.raw("{\"id\":")
            writer.string("batch_req_\(batch.id.suffix(8))_\(offset)")
            writer.raw(",\"custom_id\":")
            writer.string(answer.customID)
            writer.raw(",\"response\":{\"status_code\":")
            writer.int(answer.status)
            writer.raw(",\"request_id\":")
            writer.string("req_sim_\(offset)")
            writer.raw(",\"body\":")
            writer.raw(String(decoding: answer.body, as: UTF8.self))
            writer.raw("},\"error\":null}\n")
            if answer.status == 200 { output += writer.bytes } else { errors += writer.bytes }
        }
        if case .expired = ending {
            for answer in batch.answers {
                var writer = JSONWriter(capacity: 200)
                writer.raw("{\"id\":\"batch_req_expired\",\"custom_id\":")
                writer.string(answer.customID)
                writer.raw(",\"response\":null,\"error\":{\"code\":\"batch_expired\",\"message\":\"This request could not be executed before the completion window expired.\"}}\n")
                errors += writer.bytes
            }
        }
        let now = Int(Date().timeIntervalSince1970)
        func add(_ bytes: [UInt8], _ name: String) -> String {
            let id = "file-sim-\(name)-\(batch.id)"
            state.files[id] = StoredFile(id: id, filename: "\(batch.id)_\(name).jsonl", purpose: "batch_output", bytes: bytes, createdAt: now)
            state.fileOrder.append(id)
            return id
        }
        if !output.isEmpty { batch.outputFileID = add(output, "output") }
        if !errors.isEmpty { batch.errorFileID = add(errors, "errors") }
    }
}
