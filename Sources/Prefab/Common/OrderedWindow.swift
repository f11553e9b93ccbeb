/// Runs one async job per input, many at once, and hands the results over in input order: how
/// every stage (`SampleStage`, `JudgeStage`, `RunPipeline`) keeps its servers busy while writing
/// deterministic shards.
///
/// Two bounds keep memory flat however large the input: at most `inFlight` jobs run at once, and
/// at most `ahead` inputs are admitted but not yet handed over (results that finished early wait
/// for a slow earlier one). Inputs are pulled lazily, one `admit` call per ordinal, so a reader
/// is never read further than the window. With `room` (`CallSlots`), a job is also admitted only
/// while the endpoints have a free call slot, and the window looks again whenever a call ends:
/// the endpoints' limits, not the job count, then decide how much runs.
struct OrderedWindow<Output: Sendable> {
    /// What to do with the next input.
    enum Admission {
        /// Run this job; its result is handed over in turn.
        case run(@Sendable () async -> Output)
        /// The result is already known (a prompt replayed from the journal, say): no job.
        case ready(Output)
        /// There are no more inputs.
        case end
    }

    /// Jobs running at once.
    var inFlight: Int
    /// Inputs admitted but not yet handed over, running or waiting; at least `inFlight`.
    var ahead: Int

    /// The call slots that admit jobs, when jobs are admitted by free slots.
    var room: CallSlots?

    init(inFlight: Int, ahead: Int? = nil, room: CallSlots? = nil) {
        self.inFlight = max(1, inFlight)
        self.ahead = max(self.inFlight, ahead ?? inFlight)
        self.room = room
    }

    private enum Event: Sendable {
        case finished(Int, Output)
        /// `room` said a slot may have come free.
        case room
    }

    /// Pulls inputs through `admit(ordinal)` until it says `.end`, runs their jobs, and calls
    /// `emit(ordinal, output)` in ordinal order. `settle` runs after each round of handing over
    /// (a journal commit, say); `running` hears the number of jobs in flight as it changes.
    ///
    /// An error from `admit`, `emit` or `settle` cancels the jobs still running and is rethrown;
    /// what was handed over before it stays handed over.
    func run<Failure: Error>(
        admit: (Int) throws(Failure) -> Admission,
        emit: (Int, Output) async throws(Failure) -> Void,
        settle: () async throws(Failure) -> Void = {},
        running report: (Int) -> Void = { _ in }
    ) async throws(Failure) {
        let room = self.room
        let result: Result<Void, Failure> = await withTaskGroup(of: Event.self) { group in
            var next = 0
            var handedOver = 0
            var running = 0
            var exhausted = false
            var waiting: [Int: Output] = [:]
            var watchingRoom = false

            /// Admits what the bounds allow; true when only the lack of a call slot stopped it.
            func fill() throws(Failure) -> Bool {
                while !exhausted, running < inFlight, next - handedOver < ahead {
                    // With nothing running, one job is admitted whatever the count says.
                    if let room, running > 0, !room.hasRoom { return true }
                    let ordinal = next
                    switch try admit(ordinal) {
                    case .end:
                        exhausted = true
                    case .ready(let output):
                        next += 1
                        waiting[ordinal] = output
                    case .run(let job):
                        next += 1
                        running += 1
                        report(running)
                        group.addTask { .finished(ordinal, await job()) }
                    }
                }
                return false
            }

            func handOver() async throws(Failure) {
                while let output = waiting.removeValue(forKey: handedOver) {
                    try await emit(handedOver, output)
                    handedOver += 1
                }
                try await settle()
            }

            /// Lets a waiting room watcher go, so the group can end.
            func stopWatching() {
                if watchingRoom { room?.signal() }
            }

            do throws(Failure) {
                while true {
                    let waitingForRoom = try fill()
                    try await handOver()
                    if waitingForRoom, !watchingRoom, let room {
                        watchingRoom = true
                        group.addTask {
                            await room.waitForRoom()
                            return .room
                        }
                    }
                    if running == 0 {
                        if exhausted { break }
                        continue
                    }
                    guard let event = await group.next() else { break }
                    switch event {
                    case .finished(let ordinal, let output):
                        running -= 1
                        report(running)
                        waiting[ordinal] = output
                    case .room:
                        watchingRoom = false
                    }
                }
                stopWatching()
                return .success(())
            } catch {
                group.cancelAll()
                stopWatching()
                return .failure(error)
            }
        }
        try result.get()
    }
}
