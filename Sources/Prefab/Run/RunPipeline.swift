import Foundation
import PrefabShards
import PrefabStorage

/// `prefab run`: sample → judge → pair for every prompt of a run config, streaming, resumable.
///
/// Prompts flow through a bounded window (`window` prompts in flight, each sampled then judged
/// as soon as its answers are in), so the stages overlap and the servers stay busy however
/// large the input. Finished prompts are committed to the `RunJournal` and written, in input
/// order, to the samples, rated and pairs shards. Every call goes through the response cache.
///
/// After a crash or `kill -9`, running again continues: journaled prompts are written from the
/// journal (no calls), the rest are asked for (answers the cache already holds are free), and
/// the output is the same as an uninterrupted run's. A prompt whose calls fail after the
/// endpoint layer's retries is left out, listed in `failures.jsonl` with why, and retried by the
/// next run. A spent budget or `RunControl.stop` ends the session cleanly: what finished is
/// written, and the next run goes on from there. So does an endpoint that will refuse every call
/// (a wrong key, an unknown model: see `EndpointHalt`): no new call starts, and the prompts it
/// touched are left unfinished rather than failed, since failing them would only say the same
/// thing once per prompt.
public struct RunPipeline: Sendable {
    public let setup: RunSetup
    public var fresh = false
    /// Without the cache a resumed run still skips journaled prompts but pays again for the
    /// answers of prompts that were in flight.
    public var useCache = true
    /// Whether to write `report.json` and `report.html` at the end.
    public var writeReport = true
    /// Write into an `s3://` output that holds objects of another dataset (`--force`).
    public var forceOutput = false
    /// With an `s3://` output: closed shards held on local disk at once (`--scratch-limit`);
    /// nil: `RunPublication.defaultScratchLimit`.
    package var scratchLimit: Int?
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    public var engine: HTTPEngine = .shared
    public let control: RunControl
    public let monitor: RunMonitor
    /// Prometheus metrics of the run (`prefab run --metrics`); nil for none.
    package var metrics: RunMetrics?
    /// How the partition was chosen (`RunPartitionChoice.source`), for `partition.json`.
    public var partitionSource = ""

    /// Journal commits: at most this many prompts or this long apart.
    static let commitEvery = 64
    static let commitInterval: Duration = .milliseconds(250)

    public static let summaryName = "run-summary.json"
    public static let failuresName = "failures.jsonl"

    public init(setup: RunSetup, control: RunControl = RunControl(), monitor: RunMonitor = RunMonitor()) {
        self.setup = setup
        self.control = control
        self.monitor = monitor
    }

    /// Runs (or continues) the run and returns what this session did.
    public func run() async throws(RunError) -> RunSummary {
        monitor.update { $0.phase = "checking prompts" }
        var total: Int
        do {
            // Every prompt record is checked before the first call.
            total = try SampleStage.validate { () throws(PromptInputError) in try PromptReader(setup.prompts) }.prompts
        } catch {
            throw .input(error)
        }
        // Hygiene decides, before any call, which prompts the run samples; the rest are
        // skipped by input position, so journal ordinals count kept prompts only and stay
        // the same from session to session.
        var hygiene: HygieneReport?
        if let configuration = setup.hygiene {
            monitor.update { $0.phase = "prompt hygiene" }
            do {
                hygiene = try PromptHygiene.scan(setup.prompts, configuration: configuration).report
            } catch {
                throw .hygiene(error)
            }
            total = hygiene!.kept
        }
        // An s3:// output's parts are checked in the prefix when it is claimed (below).
        if let partition = setup.partition {
            try RunPartitionLayout.claim(partition, output: setup.outputDirectory, checkCounts: setup.outputLocation == nil)
            total = try countPartition(partition, removed: Set(hygiene?.removals.map { $0.ordinal - 1 } ?? []))
        } else if setup.outputLocation == nil {
            try RunPartitionLayout.refuseWholeRun(output: setup.outputDirectory)
        }
        monitor.update { $0.total = total }

        // An s3:// output is claimed before the journal opens or a model is called.
        let publication = try setup.outputLocation.map { _ throws(RunError) in try RunPublication(setup: setup) }
        try await publication?.claim(force: forceOutput)
        let journal = try RunJournal(path: setup.journalPath, identity: setup.identity, parts: setup.identityParts, fresh: fresh)
        // Once this process holds the partition's journal (a second process would be refused
        // there), the partition is marked running: a kill from now on leaves it unfinished.
        try writePartitionState(.running)
        try await publication?.publishState(directory: setup.outputDirectory, journal: journal)
        let cache: ResponseCache?
        do {
            cache = useCache ? try ResponseCache.open(path: setup.cachePath) : nil
        } catch {
            throw .cache(error)
        }
        do {
            var summary = try await run(journal: journal, cache: cache, total: total, hygiene: hygiene, publication: publication)
            try? await cache?.close()
            if let publication {
                // The shards closed before the end are up already: the last ones, then the
                // index files.
                monitor.update { $0.phase = "publishing to \(publication.location)" }
                _ = try await publication.publish(directory: setup.outputDirectory, journal: journal)
                summary.output = publication.location
            }
            return summary
        } catch {
            try? await cache?.close()
            throw error
        }
    }

    private func run(
        journal: RunJournal, cache: ResponseCache?, total: Int, hygiene: HygieneReport?, publication: RunPublication?
    ) async throws(RunError) -> RunSummary {
        let ledger = UsageLedger(budget: Self.remaining(setup.processBudget, after: journal.earlierUsage))
        let endpoints = setup.configuration.sampling.endpoints
        let endpointSet: EndpointSet
        var clients: [String: any ChatClient] = [:]
        var activities: [EndpointActivity] = []
        let halt = EndpointHalt(endpoints: endpoints)
        do {
            endpointSet = try EndpointSet(endpoints, cache: cache, ledger: ledger, engine: engine, environment: environment)
            for name in endpointSet.names {
                let activity = EndpointActivity(name: name, metrics: metrics)
                activities.append(activity)
                clients[name] = TrackedChatClient(base: try endpointSet.chatClient(name), activity: activity)
            }
        } catch {
            throw .endpoint("\(error)")
        }
        monitor.attach(activities: activities, ledger: ledger, cache: cache)
        metrics?.attach(ledger: ledger, monitor: monitor)
        let makeStages: StageMaker = { sampling, judging throws(RunError) in
            do {
                // The sampler guards its clients with the halt itself; the judges' are guarded here,
                // with the same halt, so a refusal seen by either stops both.
                let sampler = try Sampler(setup: setup.sampling, clients: sampling, halt: halt)
                let ensemble = try JudgeEnsemble(
                    configuration: setup.ensemble, clients: HaltingChatClient.wrap(judging, halt: halt),
                    rewardModels: try JudgeEnsemble.clients(for: setup.ensemble, from: endpointSet).rewardModels,
                    rubrics: setup.rubrics, seed: setup.configuration.sampling.seed, file: setup.judgesFile)
                return (sampler, ensemble)
            } catch let error as SamplerError {
                throw .endpoint("\(error)")
            } catch let error as JudgeSetupError {
                throw .judges(error)
            } catch {
                throw .endpoint("\(error)")
            }
        }
        let removed = Set(hygiene?.removals.map { $0.ordinal - 1 } ?? [])
        // Batch endpoints: their calls are answered by batches before the streaming pass.
        clients = try await batchRounds(
            journal: journal, cache: cache, endpointSet: endpointSet, clients: clients, activities: activities, halt: halt,
            removed: removed, makeStages: makeStages)
        let (sampler, ensemble) = try makeStages(clients, clients)

        // An s3:// output: shards go up as they close and leave local disk (the report fetches
        // them back one at a time); the writers report each shard they finish to the streamer. A
        // partition's go straight into their part's subdirectories.
        var streamer: ShardStreamer?
        if let publication {
            streamer = try await publication.streamer(
                journal: journal, staging: RunOutputs.staging(output: setup.outputDirectory, partition: setup.partition),
                scratchLimit: scratchLimit, observe: Self.scratchObserver(environment))
        }
        let outputs = try RunOutputs(
            output: setup.outputDirectory, pairing: setup.pairing, configHash: String(setup.identity.prefix(16)),
            shardSizeLimit: setup.configuration.shardSize, partition: setup.partition, runFiles: setup.runFilesDirectory,
            shardClosed: streamer?.shardClosed ?? .nobody)
        var state = SessionState(
            journal: journal, outputs: outputs, monitor: monitor, cache: cache, ledger: ledger, metrics: metrics, streamer: streamer)
        monitor.update { $0.phase = "running" }
        do {
            try await stream(
                into: &state, sampler: sampler, ensemble: ensemble, halt: halt, removed: removed)
            try await state.commit(force: true, seconds: monitor.elapsed)
            try await state.drain()
        } catch {
            outputs.abandon()
            throw error
        }

        monitor.update { $0.phase = "finishing" }
        ProcessMemory.releaseFree()
        var summary = state.summary
        summary.output = setup.outputDirectory
        summary.prompts = total
        summary.stopReason = control.stopReason
        summary.usage = ledger.records
        summary.runUsage = RunJournal.merge(journal.earlierUsage + ledger.records)
        summary.cacheHits = cache?.statistics.hits ?? 0
        summary.journal = journal.path
        let judgeReport = JudgeStageSummary(
            ensemble: ensemble.configuration.name, samples: "samples", output: "rated", prompts: summary.done + summary.failed,
            rated: summary.done, failures: state.judgeFailures, agreement: state.reliability.figures)
        summary.pairs = try outputs.finish(judgeReport: judgeReport)
        if let hygiene {
            summary.hygiene = hygiene.counts
            do {
                try Self.writeAtomically(
                    try hygiene.encoded(), to: (setup.runFilesDirectory as NSString).appendingPathComponent(HygieneReport.fileName))
            } catch let error as RunError {
                throw error
            } catch {
                throw .output(path: setup.outputDirectory, reason: "\(error)")
            }
        }
        try writeFailures(journal)
        summary.seconds = monitor.elapsed

        // Hashed before the card and summary are written, from the files as they are now (a
        // run that finished read these same bytes: the journal refuses a changed input).
        summary.provenance = try RunProvenance(setup: setup)
        var report: RunReport?
        // A partition's report and dataset card are the merge's, made over every partition.
        if writeReport, setup.partition == nil {
            let seconds = journal.earlierSeconds + monitor.elapsed
            let priced = Set(endpoints.filter { $0.price != nil }.map(\.name))
            let usage = summary.runUsage.map { RunReportEndpointUsage($0, priced: priced.contains($0.endpoint), seconds: seconds) }
            let diversity: RunDiversityOptions
            do {
                // Model-based diversity metrics, when configured, share the run's cache; their
                // calls show in the report's rows (the run's budget is not theirs to spend).
                diversity = try RunDiversityOptions(
                    setup.configuration.diversity ?? RunDiversityConfiguration(),
                    endpoints: EndpointSet(endpoints, cache: cache, engine: engine, environment: environment))
            } catch {
                throw .endpoint("diversity: \(error)")
            }
            do {
                let built = try await RunReport.build(
                    runDirectory: setup.outputDirectory, endpoints: usage, diversity: diversity,
                    streamed: streamer == nil ? nil : publication?.stageReader(root: setup.outputDirectory))
                summary.report = try built.write(to: setup.outputDirectory).html
                report = built
            } catch {
                throw .report(error)
            }
        }
        if setup.partition == nil { try writeCard(summary: summary, report: report) }
        try Self.writeJSON(summary, to: (setup.runFilesDirectory as NSString).appendingPathComponent(Self.summaryName))
        if setup.partition != nil {
            try Self.writeJSON(state.reliability, to: (setup.runFilesDirectory as NSString).appendingPathComponent(RunPartitionLayout.agreementName))
            try writePartitionState(summary.stopReason == nil ? .complete : .stopped, summary: summary)
        }
        let outcome = summary.stopReason?.name ?? (summary.failed > 0 ? "failures" : "complete")
        try journal.endSession(outcome: outcome, usage: ledger.records, seconds: monitor.elapsed)
        monitor.update { $0.phase = summary.stopReason.map { "stopped: \($0.name)" } ?? "done" }
        return summary
    }

    /// What one prompt came to in this session.
    enum Outcome: Sendable {
        /// Finished now, or earlier (from the journal, with the shard files it lists): the lines
        /// to write, and the rated record when it is at hand (replayed ones are decoded when written).
        case done(sample: [UInt8], rated: [UInt8], record: RatedRecord?, journaled: [String]?)
        case failed([RunFailure])
        /// Not finished because the run is stopping (budget, interrupt or an unusable endpoint):
        /// neither written nor journaled, so the next run asks for it again.
        case notFinished
    }

    /// The run's call slots: each endpoint's `max_concurrent`; the pool's endpoints admit prompts.
    var callSlots: CallSlots {
        let endpoints = setup.configuration.sampling.endpoints
        let capacity = Dictionary(endpoints.map { ($0.name, max(1, $0.limits.maxConcurrent)) }, uniquingKeysWith: { first, _ in first })
        let pool = Set(setup.configuration.sampling.pool.models.map(\.endpoint))
        return CallSlots(admitting: capacity.filter { pool.contains($0.key) }, capacity: capacity)
    }

    /// Prompts running at once when the config sets no `window`: every slot of every endpoint,
    /// which a run kept busy by `CallSlots` never needs more than.
    static func derivedWindow(_ slots: CallSlots) -> Int {
        max(1, slots.capacity.values.reduce(0, +))
    }

    /// The sampling calls a prompt will make, by endpoint: what its admission reserves.
    static func samplingCalls(_ prompt: PromptRecord, sampler: Sampler) -> [String: Int] {
        var calls: [String: Int] = [:]
        for planned in sampler.planner.plan(promptID: prompt.promptID, source: prompt.source) {
            if let model = sampler.planner.pool.model(named: planned.model) { calls[model.endpoint, default: 0] += 1 }
        }
        return calls
    }

    /// The run's prompts as this run takes them: hygiene's removals and other partitions' prompts
    /// left out. The streaming pass and the batch collection rounds read the same ones.
    func keptPrompts(removed: Set<Int>) throws(RunError) -> KeptPrompts {
        do {
            return KeptPrompts(try PromptReader(setup.prompts), removed: removed, partition: setup.partition)
        } catch {
            throw .input(error)
        }
    }

    private func stream(
        into state: inout SessionState, sampler: Sampler, ensemble: JudgeEnsemble, halt: EndpointHalt, removed: Set<Int>
    ) async throws(RunError) {
        let reader = try keptPrompts(removed: removed)
        let control = self.control
        let monitor = self.monitor
        let journal = state.journal
        // Results come back in any order; they are written in input order. A prompt starts when
        // the pool's endpoints have a free call slot; at most `window` prompts run at once, and
        // `ahead` bounds what waits for an earlier prompt, replayed prompts included, so memory
        // stays flat.
        let slots = callSlots
        let window = setup.configuration.window ?? Self.derivedWindow(slots)
        try await OrderedWindow<(String, Outcome)>(inFlight: window, ahead: window * 4, room: slots).run(
            admit: { ordinal throws(RunError) in
                guard let prompt = try reader.next(or: RunError.input) else { return .end }
                if let entry = try journal.entry(ordinal: ordinal) {
                    guard entry.promptID == prompt.promptID else {
                        throw .inputChanged(journal: journal.path, ordinal: ordinal, expected: entry.promptID, found: prompt.promptID)
                    }
                    if entry.status == .done, let sample = entry.sample, let rated = entry.rated {
                        return .ready((prompt.promptID, .done(sample: sample, rated: rated, record: nil, journaled: entry.shards)))
                    }
                }
                if let stop = halt.stop { control.stop(.endpoint(stop)) }
                if control.stopReason != nil { return .ready((prompt.promptID, .notFinished)) }
                let reservation = slots.reserve(Self.samplingCalls(prompt, sampler: sampler))
                return .run {
                    let outcome = await CallSlots.Reservation.$current.withValue(reservation) {
                        await Self.process(prompt, sampler: sampler, ensemble: ensemble, halt: halt)
                    }
                    reservation.release()
                    if case .notFinished = outcome { control.stop(halt.stop.map(RunStopReason.endpoint) ?? .budget) }
                    return (prompt.promptID, outcome)
                }
            },
            emit: { ordinal, result throws(RunError) in
                try state.write(ordinal: ordinal, promptID: result.0, outcome: result.1)
                try await state.admit()
            },
            settle: { () throws(RunError) in try await state.commit(force: false, seconds: monitor.elapsed) },
            running: { running in monitor.update { $0.inFlight = running } })
    }

    /// Samples and judges one prompt. Once the halt has stopped, a prompt that did not finish is
    /// not a failure of its own: whatever failed, the run is ending because an endpoint refuses
    /// every call, and the next run asks again.
    static func process(_ prompt: PromptRecord, sampler: Sampler, ensemble: JudgeEnsemble, halt: EndpointHalt) async -> Outcome {
        let sample = await sampler.sample(prompt)
        if halt.stop != nil, !sample.failures.isEmpty { return .notFinished }
        if sample.failures.contains(where: { $0.kind == .budget }) { return .notFinished }
        if !sample.failures.isEmpty {
            return .failed(sample.failures.map {
                RunFailure(stage: "sample", kind: $0.kind, reason: $0.reason, source: $0.model)
            })
        }
        let rated: RatedRecord
        do {
            rated = try await ensemble.rate(sample)
        } catch _ where halt.stop != nil {
            return .notFinished
        } catch let error as EndpointError where error.isFatal {
            // A judge's client the halt does not wrap (a reward model's) refused in a way that
            // fails every call: recorded in the halt, so the run stops as for any endpoint.
            halt.failed(endpoint: error.endpoint ?? "?", error: error, askedForSchema: false)
            return .notFinished
        } catch let error as JudgeError {
            switch error {
            case .requestFailed(let judge, _, let reason), .contextOverflow(let judge, _, let reason):
                return .failed([RunFailure(stage: "judge", kind: error.failureKind, reason: reason, source: judge)])
            case .budgetExhausted:
                return .notFinished
            }
        } catch {
            return .failed([RunFailure(stage: "judge", kind: .judge, reason: "\(error)")])
        }
        let encoder = StageShards.encoder()
        do {
            return .done(
                sample: [UInt8](try encoder.encode(sample)), rated: [UInt8](try encoder.encode(rated)), record: rated, journaled: nil)
        } catch {
            return .failed([RunFailure(stage: "judge", kind: .encoding, reason: "\(error)")])
        }
    }

    /// What this session writes and journals, in input order.
    private struct SessionState {
        let journal: RunJournal
        let outputs: RunOutputs
        let monitor: RunMonitor
        let cache: ResponseCache?
        let ledger: UsageLedger
        let metrics: RunMetrics?
        let streamer: ShardStreamer?
        var summary = RunSummary(output: "")
        var reliability = ReliabilityAccumulator()
        var judgeFailures: [JudgeStageSummary.Failure] = []
        var uncommitted: [RunJournalEntry] = []
        /// Replayed prompts that landed in other shards than the journal lists (a prompt before
        /// them, failed earlier, has been written since, or `shard_size` changed).
        var moved: [(ordinal: Int, shards: [String])] = []
        var lastCommit = ContinuousClock.now
        var commits = 0
        let decoder = JSONDecoder()

        mutating func write(ordinal: Int, promptID: String, outcome: Outcome) throws(RunError) {
            switch outcome {
            case .done(let sampleLine, let ratedLine, let known, let journaled):
                let record: RatedRecord
                if let known {
                    record = known
                } else {
                    do {
                        record = try decoder.decode(RatedRecord.self, from: Data(ratedLine))
                    } catch {
                        throw .journal(path: journal.path, reason: "prompt \(ordinal + 1) (\(promptID)): unreadable rated record; run with --fresh")
                    }
                }
                let shards: [String]
                do {
                    shards = try outputs.write(sampleLine: sampleLine, ratedLine: ratedLine, record: record)
                } catch {
                    throw .output(path: outputs.staging, reason: "\(error)")
                }
                // Figures from the record as written (no cache counts), so judge-report.json is
                // the same however the run was resumed.
                var written = record
                written.agreement = record.agreement?.withoutCacheCounts
                reliability.add(written)
                summary.done += 1
                summary.completions += record.completions.count
                if let journaled {
                    summary.resumed += 1
                    if journaled != shards { moved.append((ordinal, shards)) }
                } else {
                    uncommitted.append(RunJournalEntry(
                        ordinal: ordinal, promptID: promptID, status: .done, sample: sampleLine, rated: ratedLine, shards: shards))
                }
                monitor.update {
                    $0.done += 1
                    if journaled != nil { $0.resumed += 1 }
                }
                metrics?.prompt(failed: false)
            case .failed(let failures):
                summary.failed += 1
                for failure in failures { summary.failuresByKind[failure.kind.rawValue, default: 0] += 1 }
                for failure in failures where failure.stage == "judge" {
                    judgeFailures.append(.init(promptID: promptID, reason: failure.reason))
                }
                uncommitted.append(RunJournalEntry(ordinal: ordinal, promptID: promptID, status: .failed, failures: failures))
                metrics?.prompt(failed: true)
                monitor.update {
                    $0.failed += 1
                    for failure in failures { $0.failuresByKind[failure.kind.rawValue, default: 0] += 1 }
                }
            case .notFinished:
                summary.notFinished += 1
            }
        }

        /// With an `s3://` output: hands newly closed shards to the uploads and waits while local
        /// disk holds too many.
        func admit() async throws(RunError) {
            guard let streamer else { return }
            do {
                try await streamer.admit(open: outputs.openShards)
            } catch {
                throw .output(path: outputs.staging, reason: "uploading shards: \(error)")
            }
        }

        /// With an `s3://` output: uploads every shard closed so far, before the last ones close
        /// (those the publisher uploads once the session's files are in place).
        func drain() async throws(RunError) {
            guard let streamer else { return }
            do {
                try await streamer.drain(final: true)
            } catch {
                throw .output(path: outputs.staging, reason: "uploading shards: \(error)")
            }
        }

        /// Commits what finished since the last commit, once enough has gathered or enough time
        /// has passed (`force`: now). The cache is flushed first, so a journaled prompt's answers
        /// are never lost from the cache either.
        mutating func commit(force: Bool, seconds: Double) async throws(RunError) {
            let waiting = uncommitted.count + moved.count
            guard force || waiting >= RunPipeline.commitEvery
                || (waiting > 0 && ContinuousClock.now - lastCommit >= RunPipeline.commitInterval)
            else { return }
            if let cache {
                do { try await cache.flush() } catch { throw .cache(error) }
            }
            try journal.commit(uncommitted, moved: moved, usage: ledger.records, seconds: seconds)
            uncommitted.removeAll(keepingCapacity: true)
            moved.removeAll(keepingCapacity: true)
            lastCommit = ContinuousClock.now
            commits += 1
            if commits % 64 == 0 { ProcessMemory.releaseFree() }
        }
    }

    /// `PREFAB_SCRATCH_TRACE=FILE` appends the closed shards found on local disk after each
    /// prompt, one count a line (tests observe the scratch limit through it). Without it the
    /// scratch directory is never looked at.
    static func scratchObserver(_ environment: [String: String]) -> (@Sendable (Int) -> Void)? {
        guard let path = environment["PREFAB_SCRATCH_TRACE"] else { return nil }
        return { count in
            guard let handle = FileHandle(forWritingAtPath: path) ?? {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
                return FileHandle(forWritingAtPath: path)
            }() else { return }
            defer { try? handle.close() }
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: Data("\(count)\n".utf8))
        }
    }

    /// `pairs/README.md`: the dataset card, written last, after the shards and the report it
    /// draws on. The endpoints' API keys (read from the environment) are passed as secrets the
    /// card must not contain.
    private func writeCard(summary: RunSummary, report: RunReport?) throws(RunError) {
        try Self.writeCard(setup: setup, summary: summary, report: report, environment: environment, writer: "prefab run")
    }

    /// The card for the run of `setup` (also `prefab merge --config`'s, over the merged parts,
    /// in `output`: the merge's local copy of an `s3://` output), titled after the output's name.
    static func writeCard(
        setup: RunSetup, summary: RunSummary, report: RunReport?, environment: [String: String], writer: String,
        directory output: String? = nil
    ) throws(RunError) {
        let directory = ((output ?? setup.outputDirectory) as NSString).appendingPathComponent("pairs")
        guard let pairing = summary.pairs else { return }
        let secrets = setup.configuration.sampling.endpoints.compactMap { $0.apiKeyEnv.flatMap { environment[$0] } }
        let title = setup.outputLocation.flatMap { (try? S3Location(parsing: $0)).map { $0.name.isEmpty ? $0.bucket : $0.name } }
            ?? (setup.outputDirectory as NSString).lastPathComponent
        let card = DatasetCard(
            title: title, pairing: pairing, format: setup.pairing.builder.format,
            splits: DatasetCard.splits(in: directory, rows: pairing.rows), run: DatasetCardRun(setup: setup, summary: summary),
            report: report, hygiene: summary.hygiene, secrets: secrets, writer: writer)
        do {
            try card.write(into: directory)
        } catch {
            throw .output(path: directory, reason: "\(error)")
        }
    }

    /// `failures.jsonl` in the output: one line per failed prompt (the journal's current list),
    /// or no file when nothing failed.
    private func writeFailures(_ journal: RunJournal) throws(RunError) {
        let path = (setup.runFilesDirectory as NSString).appendingPathComponent(Self.failuresName)
        var lines: [UInt8] = []
        let encoder = StageShards.encoder()
        struct Line: Encodable {
            var ordinal: Int
            var prompt_id: String
            var attempts: Int
            var failures: [RunFailure]
        }
        try journal.forEachFailure { entry in
            lines += [UInt8](try encoder.encode(Line(ordinal: entry.ordinal, prompt_id: entry.promptID, attempts: entry.attempts, failures: entry.failures)))
            lines.append(0x0A)
        }
        if lines.isEmpty {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        try Self.writeAtomically(Data(lines), to: path)
    }

    /// The prompts of a partition (after hygiene), in one pass over the input.
    private func countPartition(_ partition: RunPartition, removed: Set<Int>) throws(RunError) -> Int {
        let reader: KeptPrompts
        do {
            reader = KeptPrompts(try PromptReader(setup.prompts), removed: removed, partition: partition)
        } catch {
            throw .input(error)
        }
        var count = 0
        while try reader.next(or: RunError.input) != nil { count += 1 }
        return count
    }

    /// `OUT/parts/…/partition.json`: this partition's run identity and whether it finished.
    private func writePartitionState(_ status: RunPartitionState.Status, summary: RunSummary? = nil) throws(RunError) {
        guard let partition = setup.partition else { return }
        var state = RunPartitionState(partition: partition, identity: setup.identity, status: status, source: partitionSource)
        state.prompts = summary?.prompts
        state.done = summary?.done
        state.failed = summary?.failed
        try Self.writeJSON(state, to: RunPartitionState.path(runFiles: setup.runFilesDirectory))
    }

    static func writeJSON(_ value: some Encodable, to path: String) throws(RunError) {
        let encoder = StageShards.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        do {
            try writeAtomically(try encoder.encode(value), to: path)
        } catch let error as RunError {
            throw error
        } catch {
            throw .output(path: path, reason: "\(error)")
        }
    }

    static func writeAtomically(_ data: Data, to path: String) throws(RunError) {
        do {
            try AtomicFileWriter.write(data, to: path)
        } catch {
            throw .output(path: path, reason: error.description)
        }
    }

    /// The budget left for this session after what earlier sessions spent.
    static func remaining(_ budget: Budget, after spent: [UsageRecord]) -> Budget {
        let total = UsageRecord.sum(spent)
        return Budget(
            maxRequests: budget.maxRequests.map { max(0, $0 - total.requests) },
            maxTokens: budget.maxTokens.map { max(0, $0 - total.totalTokens) },
            maxCost: budget.maxCost.map { max(0, $0 - total.cost) })
    }
}
