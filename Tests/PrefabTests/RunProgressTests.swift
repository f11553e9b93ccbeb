import Foundation
import Logging
import Testing
@testable import Prefab

#if canImport(Glibc)
import Glibc
#endif

/// Snapshots shared by the progress tests, with figures chosen so every formatted value is exact.
enum RunProgressFixtures {
    /// 120 of 1000 prompts after 80 s at 3.4/s: the example line of the progress design.
    static let running = RunProgress(
        total: 1000, done: 120, failed: 2, inFlight: 12, elapsed: 80, promptTokens: 12_000, completionTokens: 345,
        requests: 500, cacheHits: 200, failuresByKind: ["http_status": 2],
        endpoints: [
            EndpointProgress(name: "local", inFlight: 3, requests: 300, tokens: 8_100),
            EndpointProgress(name: "judge-a", inFlight: 9, requests: 200, tokens: 4_245, failures: 2),
        ],
        phase: "running", rate: 3.4, etaSeconds: 258)

    /// Early in a run: the input is still being counted and nothing has finished.
    static let counting = RunProgress(done: 5, elapsed: 3, phase: "validating")
}

// MARK: - Formatting

@Suite struct RunProgressFormatTests {
    @Test func durationsReadAsSecondsMinutesHoursAndDays() {
        #expect(ProgressFormat.duration(0) == "0s")
        #expect(ProgressFormat.duration(42) == "42s")
        #expect(ProgressFormat.duration(258) == "4m18s")
        #expect(ProgressFormat.duration(59.6) == "1m00s")
        #expect(ProgressFormat.duration(3_720) == "1h02m")
        #expect(ProgressFormat.duration(90_000) == "1d01h")
        #expect(ProgressFormat.duration(-5) == "0s")
        #expect(ProgressFormat.duration(.infinity) == "0s")
    }

    @Test func clockPadsToHoursMinutesSecondsAndGrowsPast99Hours() {
        #expect(ProgressFormat.clock(80) == "00:01:20")
        #expect(ProgressFormat.clock(3_661.9) == "01:01:01")
        #expect(ProgressFormat.clock(360_000) == "100:00:00")
    }

    @Test func countsAreExactBelowAThousandThenAbbreviated() {
        #expect(ProgressFormat.count(999) == "999")
        #expect(ProgressFormat.count(1_234) == "1.2k")
        #expect(ProgressFormat.count(12_345) == "12.3k")
        #expect(ProgressFormat.count(123_456) == "123k")
        #expect(ProgressFormat.count(999_960) == "1.0M")
        #expect(ProgressFormat.count(1_500_000) == "1.5M")
        #expect(ProgressFormat.count(-12_345) == "-12.3k")
    }

    @Test func percentagesRatesAndCosts() {
        #expect(ProgressFormat.percent(0.4) == "40%")
        #expect(ProgressFormat.percent(0.12, decimals: 1) == "12.0%")
        #expect(ProgressFormat.rate(3.4) == "3.4/s")
        #expect(ProgressFormat.rate(0.25) == "0.25/s")
        #expect(ProgressFormat.rate(125.2) == "125/s")
        #expect(ProgressFormat.cost(12.345) == "12.35")
        #expect(ProgressFormat.cost(0.01234) == "0.0123")
    }
}

// MARK: - Rendering

@Suite struct RunProgressRenderTests {
    @Test func plainLineMatchesTheDocumentedShape() {
        let line = ProgressRenderer.render(RunProgressFixtures.running, style: .plain)
        #expect(line == "[00:01:20] 120/1000 prompts (12.0%), 3.4/s, ETA 4m18s, tokens 12345, cache hits 40%, failed 2 (http_status 2)")
    }

    @Test func plainLineLeavesUnknownFiguresOutAndLeadsWithTheNonRunningPhase() {
        let line = ProgressRenderer.render(RunProgressFixtures.counting, style: .plain)
        #expect(line == "[00:00:03] validating: 5 prompts, tokens 0")
    }

    @Test func plainLineShowsResumedPromptsAndCost() {
        var progress = RunProgressFixtures.running
        progress.resumed = 100
        progress.cost = 0.5
        let line = ProgressRenderer.render(progress, style: .plain)
        #expect(line.contains("(12.0%), 100 resumed, 3.4/s"))
        #expect(line.contains("cache hits 40%, cost 0.5000, failed 2"))
    }

    @Test func liveBlockHasStatusBarUsageFailureAndEndpointLines() {
        let block = ProgressRenderer.render(RunProgressFixtures.running, style: .live, width: 200)
        #expect(block.split(separator: "\n", omittingEmptySubsequences: false) == [
            "running · 1m20s elapsed · 12 in flight",
            "prompts 120/1000 [##..................] 12% · 3.4/s · ETA 4m18s",
            "tokens 12.0k prompt / 345 completion · requests 500 · cache hits 40%",
            "failed 2: http_status 2",
            "  local    3 in flight · 300 requests · 8.1k tokens",
            "  judge-a  9 in flight · 200 requests · 4.2k tokens · 2 failed",
        ])
        #expect(!block.contains("\u{1B}"))
    }

    @Test func liveBlockWithoutATotalHasNoBarAndNoETA() {
        let lines = ProgressRenderer.liveLines(RunProgressFixtures.counting, width: 80)
        #expect(lines[0] == "validating · 3s elapsed · 0 in flight")
        #expect(lines[1] == "prompts 5/? · -/s")
        #expect(lines[2].hasSuffix("cache hits -"))
        #expect(lines[3] == "failed 0")
    }

    @Test func liveBlockListsFailureKindsMostFrequentFirst() {
        var progress = RunProgressFixtures.running
        progress.failed = 6
        progress.failuresByKind = ["transport": 1, "parse": 2, "http_status": 3]
        #expect(ProgressRenderer.liveLines(progress, width: 80)[3] == "failed 6: http_status 3, parse 2, transport 1")
    }

    @Test func liveLinesAreCutToTheTerminalWidth() {
        let lines = ProgressRenderer.liveLines(RunProgressFixtures.running, width: 30)
        #expect(lines.allSatisfy { $0.count <= 30 })
        #expect(lines[1] == "prompts 120/1000 [##..........")
    }

    @Test func jsonLineIsOneSnakeCaseObjectThatRoundTrips() throws {
        let line = ProgressRenderer.render(RunProgressFixtures.running, style: .json)
        #expect(!line.contains("\n"))
        for key in ["\"in_flight\":12", "\"failures_by_kind\":{\"http_status\":2}", "\"eta_seconds\":258",
                    "\"cache_hits\":200", "\"prompt_tokens\":12000", "\"phase\":\"running\""] {
            #expect(line.contains(key), "missing \(key)")
        }
        let decoded = try JSONDecoder().decode(RunProgress.self, from: Data(line.utf8))
        #expect(decoded == RunProgressFixtures.running)
    }

    @Test func jsonLineWritesUnknownValuesAsNull() {
        let line = ProgressRenderer.render(RunProgressFixtures.counting, style: .json)
        #expect(line.contains("\"total\":null"))
        #expect(line.contains("\"cost\":null"))
        #expect(line.contains("\"rate\":null"))
        #expect(line.contains("\"eta_seconds\":null"))
    }

    @Test func quietRendersNothing() {
        #expect(ProgressRenderer.render(RunProgressFixtures.running, style: .quiet).isEmpty)
    }

    @Test func redrawMovesUpOverThePreviousBlockAndErasesEachLine() {
        #expect(ProgressRenderer.redraw(["a", "b"], replacing: 0) == "\u{1B}[2Ka\n\u{1B}[2Kb\n\u{1B}[J")
        #expect(ProgressRenderer.redraw(["a"], replacing: 3) == "\r\u{1B}[3A\u{1B}[2Ka\n\u{1B}[J")
        #expect(ProgressRenderer.erase(lineCount: 2) == "\r\u{1B}[2A\u{1B}[J")
        #expect(ProgressRenderer.erase(lineCount: 0).isEmpty)
    }
}

// MARK: - Rate and ETA

@Suite struct RunProgressRateTests {
    static func snapshot(_ elapsed: Double, done: Int, total: Int? = 1000, resumed: Int = 0, failed: Int = 0) -> RunProgress {
        RunProgress(total: total, done: done, resumed: resumed, failed: failed, elapsed: elapsed)
    }

    @Test func steadyWorkGivesItsRateAndTheETAOfWhatRemains() throws {
        var estimator = ProgressRateEstimator()
        var last = RunProgress()
        for second in 0...60 { last = estimator.observe(Self.snapshot(Double(second), done: 2 * second)) }
        let rate = try #require(last.rate)
        #expect(abs(rate - 2) < 1e-9)
        #expect(abs(try #require(last.etaSeconds) - Double(1000 - 120) / 2) < 1e-6)
    }

    @Test func rateFollowsTheLastHalfMinuteNotTheLifetimeAverage() throws {
        var estimator = ProgressRateEstimator(window: 30)
        var last = RunProgress()
        // 60 s at 1 prompt/s, then 60 s at 4 prompts/s.
        for second in 0...120 {
            let done = second <= 60 ? second : 60 + 4 * (second - 60)
            last = estimator.observe(Self.snapshot(Double(second), done: done))
        }
        #expect(abs(try #require(last.rate) - 4) < 1e-9)
        #expect(abs(try #require(last.averageRate) - 300.0 / 120) < 1e-9)
    }

    @Test func resumedPromptsCountTowardsDoneButNotTowardsTheRate() throws {
        var estimator = ProgressRateEstimator()
        var last = RunProgress()
        for second in stride(from: 0, through: 40, by: 10) {
            last = estimator.observe(Self.snapshot(Double(second), done: 500 + 3 * second, resumed: 500, failed: 10))
        }
        #expect(abs(try #require(last.rate) - 3) < 1e-9)
        // 1000 - 620 done - 10 failed remain.
        #expect(abs(try #require(last.etaSeconds) - 370.0 / 3) < 1e-6)
    }

    @Test func aSingleSnapshotFallsBackToTheLifetimeAverage() {
        var estimator = ProgressRateEstimator()
        let progress = estimator.observe(Self.snapshot(10, done: 25))
        #expect(progress.rate == 2.5)
        #expect(progress.etaSeconds == 975.0 / 2.5)
    }

    @Test func nothingDoneYetMeansNoRateAndNoETA() {
        var estimator = ProgressRateEstimator()
        _ = estimator.observe(Self.snapshot(0, done: 0))
        let progress = estimator.observe(Self.snapshot(5, done: 0))
        #expect(progress.rate == 0)
        #expect(progress.etaSeconds == nil)
    }

    @Test func unknownTotalGivesARateButNoETA() {
        var estimator = ProgressRateEstimator()
        _ = estimator.observe(Self.snapshot(0, done: 0, total: nil))
        let progress = estimator.observe(Self.snapshot(4, done: 8, total: nil))
        #expect(progress.rate == 2)
        #expect(progress.etaSeconds == nil)
    }

    @Test func aFinishedRunHasZeroETA() {
        var estimator = ProgressRateEstimator()
        let progress = estimator.observe(Self.snapshot(100, done: 990, failed: 10))
        #expect(progress.etaSeconds == 0)
    }

    @Test func snapshotsGoingBackInTimeStartTheHistoryAfresh() {
        var estimator = ProgressRateEstimator()
        _ = estimator.observe(Self.snapshot(0, done: 0))
        _ = estimator.observe(Self.snapshot(100, done: 1000))
        // A new session: elapsed and done restart.
        _ = estimator.observe(Self.snapshot(2, done: 2))
        let progress = estimator.observe(Self.snapshot(4, done: 10))
        #expect(progress.rate == 4)
    }
}

// MARK: - Style choice

@Suite struct RunProgressStyleTests {
    @Test func quietWinsThenJSONThenTerminalGivesLiveElsePlain() {
        #expect(ProgressStyle.automatic(quiet: true, json: true, isTerminal: true) == .quiet)
        #expect(ProgressStyle.automatic(quiet: false, json: true, isTerminal: true) == .json)
        #expect(ProgressStyle.automatic(quiet: false, json: false, isTerminal: true) == .live)
        #expect(ProgressStyle.automatic(quiet: false, json: false, isTerminal: false) == .plain)
    }

    @Test func defaultIntervalsSuitEachStyle() {
        #expect(ProgressStyle.live.defaultInterval == .milliseconds(250))
        #expect(ProgressStyle.plain.defaultInterval == .seconds(10))
        #expect(ProgressStyle.json.defaultInterval == .seconds(1))
    }

    @Test func aPipeIsNotATerminal() throws {
        let pipe = try RunProgressIO.pipe()
        defer { close(pipe.read); close(pipe.write) }
        #expect(!ProgressTerminal.isTerminal(pipe.write, environment: ["TERM": "xterm-256color"]))
        #expect(ProgressTerminal.width(of: pipe.write) == nil)
    }

    @Test func aPseudoTerminalIsATerminalUnlessTERMIsDumbOrUnset() throws {
        let pty = try RunProgressIO.openPseudoTerminal(columns: 40)
        defer { close(pty.master); close(pty.slave) }
        #expect(ProgressTerminal.isTerminal(pty.slave, environment: ["TERM": "xterm-256color"]))
        #expect(!ProgressTerminal.isTerminal(pty.slave, environment: ["TERM": "dumb"]))
        #expect(!ProgressTerminal.isTerminal(pty.slave, environment: [:]))
        #expect(ProgressTerminal.width(of: pty.slave) == 40)
    }
}

// MARK: - Reporter

@Suite struct RunProgressReporterTests {
    @Test func liveModeOnAPseudoTerminalRedrawsWithCursorSequences() throws {
        let pty = try RunProgressIO.openPseudoTerminal(columns: 40)
        defer { close(pty.master); close(pty.slave) }
        let reporter = ProgressReporter(style: .live, fileDescriptor: pty.slave) { RunProgressFixtures.running }
        reporter.refresh()
        reporter.log("warning: endpoint judge-a slow")
        var final = RunProgressFixtures.running
        final.phase = "finishing"
        reporter.finish(final: final)

        let output = try RunProgressIO.read(pty.master, until: "finishing")
        let blockLines = 6
        #expect(output.contains("\u{1B}[2K"))  // erase line
        #expect(output.contains("\u{1B}[\(blockLines)A"))  // cursor up over the block
        #expect(output.contains("warning: endpoint judge-a slow"))
        // Cut to the pty's 40 columns, which the reporter asked the terminal for.
        #expect(output.contains("prompts 120/1000 [##..................]"))
        #expect(!output.contains("prompts 120/1000 [##..................] 12%"))
        // The final block stays, and the cursor ends on a fresh line below it.
        #expect(output.hasSuffix("\n\u{1B}[J"))
    }

    @Test func plainModeToAPipeWritesLinesWithoutEscapes() throws {
        let pipe = try RunProgressIO.pipe()
        defer { close(pipe.read) }
        let reporter = ProgressReporter(style: .plain, fileDescriptor: pipe.write) { RunProgressFixtures.running }
        reporter.refresh()
        reporter.log("note: something happened\n")
        reporter.finish()
        reporter.refresh()  // after finish: nothing more
        close(pipe.write)

        let output = try RunProgressIO.readToEnd(pipe.read)
        #expect(!output.contains("\u{1B}"))
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("[00:01:20] 120/1000 prompts (12.0%)"))
        #expect(lines[1] == "note: something happened")
        #expect(lines[2].hasPrefix("[00:01:20] 120/1000 prompts"))
    }

    @Test func jsonModeWritesSnapshotsWithRateAndLogMessagesAsObjects() throws {
        let pipe = try RunProgressIO.pipe()
        defer { close(pipe.read) }
        let elapsed = RunProgressCounter()
        let reporter = ProgressReporter(style: .json, fileDescriptor: pipe.write) {
            let second = elapsed.increment()
            return RunProgress(total: 100, done: 2 * second, elapsed: Double(second))
        }
        reporter.refresh()
        reporter.log("hello \"there\"")
        reporter.refresh()
        reporter.finish()
        close(pipe.write)

        let lines = try RunProgressIO.readToEnd(pipe.read).split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[1] == #"{"message":"hello \"there\""}"#)
        let last = try JSONDecoder().decode(RunProgress.self, from: Data(lines[3].utf8))
        #expect(last.done == 6)
        #expect(last.rate == 2)
        #expect(last.etaSeconds == 47)
    }

    @Test func quietModeDrawsNothingButStillPrintsLogLines() async throws {
        let pipe = try RunProgressIO.pipe()
        defer { close(pipe.read) }
        let reporter = ProgressReporter(style: .quiet, fileDescriptor: pipe.write) { RunProgressFixtures.running }
        await reporter.run()  // returns at once
        reporter.refresh()
        reporter.log("warning: kept")
        reporter.finish()
        close(pipe.write)
        #expect(try RunProgressIO.readToEnd(pipe.read) == "warning: kept\n")
    }

    @Test func runLoopTicksUntilFinishAndThenReturns() async throws {
        let file = try RunProgressIO.temporaryFile()
        defer { close(file.fd); unlink(file.path) }
        let calls = RunProgressCounter()
        let reporter = ProgressReporter(style: .json, fileDescriptor: file.fd, interval: .milliseconds(10)) {
            let n = calls.increment()
            return RunProgress(total: 10, done: min(n, 10), elapsed: Double(n))
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await reporter.run() }
            await calls.wait(atLeast: 3)
            reporter.finish(final: RunProgress(total: 10, done: 10, elapsed: 99, phase: "finished"))
        }
        let lines = try String(contentsOfFile: file.path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 3)
        let last = try JSONDecoder().decode(RunProgress.self, from: Data(lines.last!.utf8))
        #expect(last.phase == "finished")
        #expect(last.etaSeconds == 0)
    }

    /// An hour-long interval: the test would hang if `finish` did not end the loop's sleep.
    @Test func finishEndsALoopWithALongInterval() async throws {
        let pipe = try RunProgressIO.pipe()
        defer { close(pipe.read); close(pipe.write) }
        let calls = RunProgressCounter()
        let reporter = ProgressReporter(style: .plain, fileDescriptor: pipe.write, interval: .seconds(3_600)) {
            _ = calls.increment()
            return RunProgressFixtures.running
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await reporter.run() }
            await calls.wait(atLeast: 1)
            reporter.finish()
        }
        #expect(calls.value == 2)  // the first frame and the final one
    }

    @Test func cancellingTheLoopEndsIt() async throws {
        let pipe = try RunProgressIO.pipe()
        defer { close(pipe.read); close(pipe.write) }
        let calls = RunProgressCounter()
        let reporter = ProgressReporter(style: .plain, fileDescriptor: pipe.write, interval: .seconds(3_600)) {
            _ = calls.increment()
            return RunProgressFixtures.running
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await reporter.run() }
            await calls.wait(atLeast: 1)
            group.cancelAll()
        }
        #expect(calls.value == 1)
    }

    @Test func swiftLogWarningsGoThroughTheReporterAndNoticesAreDropped() throws {
        let pipe = try RunProgressIO.pipe()
        defer { close(pipe.read) }
        let reporter = ProgressReporter(style: .plain, fileDescriptor: pipe.write) { RunProgressFixtures.running }
        let logger = Logger(label: "prefab.llm") { ProgressLogHandler(label: $0, reporter: reporter) }
        logger.notice("retrying after a transient failure")
        logger.warning("call failed", metadata: ["model": "m", "operation": "chat"])
        close(pipe.write)
        #expect(try RunProgressIO.readToEnd(pipe.read) == "warning prefab.llm: call failed model=m operation=chat\n")
    }
}

// MARK: - Helpers

/// A thread-safe counter the snapshot closures bump, so a test can wait for ticks to happen
/// instead of sleeping a guessed time.
final class RunProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int { lock.withLock { count } }

    func increment() -> Int {
        lock.withLock {
            count += 1
            return count
        }
    }

    /// Waits, in short steps, until the counter reaches `target` (gives up after 30 s).
    func wait(atLeast target: Int) async {
        for _ in 0..<6_000 where value < target {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}

struct RunProgressIOError: Error, CustomStringConvertible {
    var description: String
}

/// File descriptors for the reporter tests: pipes, pseudo-terminals, temporary files.
enum RunProgressIO {
    static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw RunProgressIOError(description: "pipe: errno \(errno)") }
        return (fds[0], fds[1])
    }

    /// A pty pair sized to `columns`, with the master reading what the reporter writes to the slave.
    static func openPseudoTerminal(columns: UInt16) throws -> (master: Int32, slave: Int32) {
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: 24, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else {
            throw RunProgressIOError(description: "openpty: errno \(errno)")
        }
        return (master, slave)
    }

    static func temporaryFile() throws -> (fd: Int32, path: String) {
        let path = NSTemporaryDirectory() + "prefab-progress-\(UUID().uuidString)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw RunProgressIOError(description: "open \(path): errno \(errno)") }
        return (fd, path)
    }

    /// Reads everything until end of file (the writer closed its end).
    static func readToEnd(_ fd: Int32) throws -> String {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw RunProgressIOError(description: "read: errno \(errno)") }
            if count == 0 { break }
            data += buffer[0..<count]
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads a pty master until `marker` has arrived and nothing more follows for a moment (a pty
    /// master never reports end of file while the slave is open).
    static func read(_ fd: Int32, until marker: String) throws -> String {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let seen = String(decoding: data, as: UTF8.self).contains(marker)
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, seen ? 50 : 10_000)
            if ready == 0 {
                if seen { break }
                throw RunProgressIOError(description: "no \(marker) from the pty after 10 s")
            }
            let count = Glibc.read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            data += buffer[0..<count]
        }
        // The pty's line discipline turns "\n" into "\r\n"; undo it so tests read what was written.
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }
}
