/// Runs one async job per input, many at once, and hands the results over in input order: how
/// every stage (`SampleStage`, `JudgeStage`, `RunPipeline`) keeps its servers busy while writing
/// deterministic shards.
///
/// Two bounds keep memory flat however large the input: at most `inFlight` jobs run at once, and
/// at most `ahead` inputs are admitted but not yet handed over (results that finished early wait
/// for a slow earlier one). Inputs are pulled lazily, one `admit` call per ordinal, so a reader
/// is never read further than the window.
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

    init(inFlight: Int, ahead: Int? = nil) {
        self.inFlight = max(1, inFlight)
        self.ahead = max(self.inFlight, ahead ?? inFlight)
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
        let result: Result<Void, Failure> = await withTaskGroup(of: (Int, Output).self) { group in
            var next = 0
            var handedOver = 0
            var running = 0
            var exhausted = false
            var waiting: [Int: Output] = [:]

            func fill() throws(Failure) {
                while !exhausted, running < inFlight, next - handedOver < ahead {
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
                        group.addTask { (ordinal, await job()) }
                    }
                }
            }

            func handOver() async throws(Failure) {
                while let output = waiting.removeValue(forKey: handedOver) {
                    try await emit(handedOver, output)
                    handedOver += 1
                }
                try await settle()
            }

            do throws(Failure) {
                while true {
                    try fill()
                    try await handOver()
                    if running == 0 {
                        if exhausted { break }
                        continue
                    }
                    guard let (ordinal, output) = await group.next() else { break }
                    running -= 1
                    report(running)
                    waiting[ordinal] = output
                }
                return .success(())
            } catch {
                group.cancelAll()
                return .failure(error)
            }
        }
        try result.get()
    }
}
