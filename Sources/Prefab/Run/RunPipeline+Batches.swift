import Foundation
import PrefabShards

/// `prefab run` with batch endpoints (an endpoint's `batch:` block): before the streaming pass
/// writes anything, the run goes round by round. Each round runs every unfinished prompt through
/// the sampler and the judges with the batch endpoints' calls answered from the response cache
/// or collected (`BatchingChatClient`); the collected calls go into batches (journaled, then
/// driven to the end by `BatchDriver`, their answers stored in the cache); the next round finds
/// those answers and collects what they lead to: judge calls once the samples are in, judge
/// follow-ups (unreadable or cut-off answers asked again, calls split to fit the context) after
/// them, and the requests a batch failed. A round that collects nothing ends the rounds, and the
/// usual streaming pass then writes the records from the cache, as a synchronous run would.
///
/// Non-batch endpoints are called as usual throughout (their answers land in the cache too).
extension RunPipeline {
    /// The most rounds a run makes (stages, follow-ups and retries together) before it goes on
    /// with what the batches answered.
    static let maximumBatchRounds = 64

    typealias StageMaker = (_ sampling: [String: any ChatClient], _ judging: [String: any ChatClient]) throws(RunError) -> (Sampler, JudgeEnsemble)

    /// Runs the batch rounds when an endpoint batches; returns the clients the streaming pass uses
    /// (batch endpoints answer from the cache, or as `batch.fallback` says for failed calls).
    func batchRounds(
        journal: RunJournal, cache: ResponseCache?, endpointSet: EndpointSet, clients: [String: any ChatClient],
        activities: [EndpointActivity], halt: EndpointHalt, removed: Set<Int>, makeStages: StageMaker
    ) async throws(RunError) -> [String: any ChatClient] {
        let batched = setup.configuration.sampling.endpoints.filter { $0.batching != nil }
        guard !batched.isEmpty, let cache else { return clients }
        var endpointClients: [String: EndpointClient] = [:]
        var direct: [String: any ChatClient] = [:]
        do {
            for endpoint in batched {
                endpointClients[endpoint.name] = try endpointSet.endpointClient(endpoint.name)
                direct[endpoint.name] = try endpointSet.chatClient(endpoint.name)
            }
        } catch {
            throw .endpoint("\(error)")
        }
        let tally = BatchTally()
        let driver = BatchDriver(journal: journal, cache: cache, clients: endpointClients, monitor: monitor, control: control, tally: tally)
        func batchingClients(_ mode: BatchingChatClient.Mode, stage: String, failures: [String: BatchRequestFailure]) -> [String: any ChatClient] {
            var result = clients
            for endpoint in batched {
                let client = BatchingChatClient(
                    endpoint: endpointClients[endpoint.name]!, direct: direct[endpoint.name]!, cache: cache,
                    settings: endpoint.batching!, stage: stage, mode: mode, failures: failures)
                result[endpoint.name] = activities.first { $0.name == endpoint.name }.map { TrackedChatClient(base: client, activity: $0) } ?? client
            }
            return result
        }

        // Batches an earlier session created (or was creating) are finished first: never again.
        monitor.update { $0.phase = "batches: re-attaching" }
        try await driver.drive(try journal.batches(open: true))
        var round = try journal.batches().map(\.round).max() ?? 0
        let directory = journal.path + ".batches"
        for _ in 0..<Self.maximumBatchRounds {
            if control.stopReason != nil || halt.stop != nil { break }
            round += 1
            let failures = try journal.batchFailures()
            // A committed sampling stage is never collected again: its answers are in the cache
            // (a miss, were the cache lost, is asked one by one).
            let sampling = try journal.committedStages().contains { $0.stage == "sample" }
            let collector = BatchCollector(directory: directory, round: round)
            let (sampler, ensemble) = try makeStages(
                batchingClients(sampling ? .final : .collect(collector), stage: "sample", failures: failures),
                batchingClients(.collect(collector), stage: "judge", failures: failures))
            monitor.update { $0.phase = "batches: collecting round \(round)" }
            try await collect(journal: journal, sampler: sampler, ensemble: ensemble, halt: halt, removed: removed)
            var written: [JournaledBatch]
            do {
                written = try collector.finish()
            } catch {
                throw .output(path: directory, reason: "\(error)")
            }
            var committing: CommittedBatchStage?
            if written.contains(where: { $0.stage == "sample" }) {
                // Sampling is not over (calls a batch failed, asked again): the judges' calls
                // of this round wait, so judge batches start only once the sampling stage is
                // committed. They are collected again next round.
                for batch in written where batch.stage != "sample" { unlink(batch.path) }
                written.removeAll { $0.stage != "sample" }
            } else if !sampling, control.stopReason == nil, halt.stop == nil {
                // Every prompt went through the round (none was left for a stop) and none
                // needed a sampling call: the sampling stage is over.
                let batches = try journal.batches().filter { $0.stage == "sample" }
                committing = CommittedBatchStage(
                    stage: "sample", round: batches.map(\.round).max() ?? 0, batches: batches.count,
                    requests: batches.reduce(0) { $0 + $1.requests }, succeeded: batches.reduce(0) { $0 + $1.succeeded },
                    failed: batches.reduce(0) { $0 + $1.failed })
            }
            if written.isEmpty {
                if let committing { _ = try journal.addBatches([], committing: committing) }
                break
            }
            try await driver.drive(try journal.addBatches(written, committing: committing))
        }
        if halt.stop == nil, control.stopReason == nil {
            monitor.update { $0.phase = "running" }
        }
        return batchingClients(.final, stage: "final", failures: try journal.batchFailures())
    }

    /// One collection round: every prompt the journal has not finished goes through the sampler
    /// and the judges; what they make of it is dropped (the streaming pass makes it again).
    private func collect(
        journal: RunJournal, sampler: Sampler, ensemble: JudgeEnsemble, halt: EndpointHalt, removed: Set<Int>
    ) async throws(RunError) {
        let reader = try keptPrompts(removed: removed)
        let limit = max(64, setup.configuration.window ?? Self.derivedWindow(callSlots))
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var ordinal = 0
                var running = 0
                while let prompt = try reader.next(or: RunError.input) {
                    defer { ordinal += 1 }
                    if let entry = try journal.entry(ordinal: ordinal), entry.status == .done { continue }
                    if control.stopReason != nil || halt.stop != nil { break }
                    if running >= limit {
                        try await group.next()
                        running -= 1
                    }
                    group.addTask { _ = await Self.process(prompt, sampler: sampler, ensemble: ensemble, halt: halt) }
                    running += 1
                }
                try await group.waitForAll()
            }
        } catch let error as RunError {
            throw error
        } catch {
            throw .endpoint("\(error)")
        }
    }
}
