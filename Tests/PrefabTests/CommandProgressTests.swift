import Foundation
import Logging
import PrefabLLM
import Testing
@testable import Prefab

#if canImport(Glibc)
import Glibc
#endif

/// The progress display for commands other than `run`: its unit, the figures it leaves out for a
/// command that calls no model, and the monitor those commands count in.
@Suite struct CommandProgressRenderTests {
    /// `prefab convert` a quarter through 20 000 records after 10 s: no model, so no tokens.
    static let converting = RunProgress(
        total: 20_000, done: 5_000, elapsed: 10, phase: "running", rate: 500, etaSeconds: 30, unit: "records", callsModels: false)

    @Test func plainLineCountsTheCommandsUnitAndLeavesOutTokensWithoutModels() {
        #expect(ProgressRenderer.render(Self.converting, style: .plain) == "[00:00:10] 5000/20000 records (25.0%), 500/s, ETA 30s")
    }

    @Test func plainLineWithoutATotalShowsDoneAndRateOnly() {
        var pairs = Self.converting
        pairs.total = nil
        pairs.etaSeconds = nil
        #expect(ProgressRenderer.render(pairs, style: .plain) == "[00:00:10] 5000 records, 500/s")
    }

    @Test func liveBlockOfACommandWithoutModelsHasNoTokensOrInFlight() {
        let lines = ProgressRenderer.liveLines(Self.converting, width: 200)
        #expect(lines == [
            "running · 10s elapsed",
            "records 5000/20000 [#####...............] 25% · 500/s · ETA 30s",
            "failed 0",
        ])
    }

    @Test func liveBlockOfAJudgingCommandCountsItsUnitWithTokens() {
        let judging = RunProgress(
            total: 42, done: 7, failed: 1, inFlight: 4, elapsed: 600, promptTokens: 9_000, completionTokens: 1_200, requests: 30,
            failuresByKind: ["judge_call": 1], phase: "ultrafeedback (1/1)", rate: 0.0125, etaSeconds: 2_720, unit: "pairs")
        let lines = ProgressRenderer.liveLines(judging, width: 200)
        #expect(lines[0] == "ultrafeedback (1/1) · 10m00s elapsed · 4 in flight")
        #expect(lines[1].hasPrefix("pairs 7/42 ["))
        #expect(lines[2].hasPrefix("tokens 9.0k prompt / 1.2k completion · requests 30"))
        #expect(lines[3] == "failed 1: judge_call 1")
        #expect(ProgressRenderer.plainLine(judging).hasPrefix("[00:10:00] ultrafeedback (1/1): 7/42 pairs (16.7%), 0.01/s"))
    }

    @Test func jsonLineNamesTheUnitAndRoundTrips() throws {
        let line = ProgressRenderer.render(Self.converting, style: .json)
        #expect(line.contains("\"unit\":\"records\""))
        #expect(line.contains("\"calls_models\":false"))
        #expect(try JSONDecoder().decode(RunProgress.self, from: Data(line.utf8)) == Self.converting)
    }

    @Test func aRunsSnapshotStillCountsPromptsWithModels() {
        let snapshot = RunMonitor().snapshot()
        #expect(snapshot.unit == "prompts" && snapshot.callsModels)
    }

    @Test func aCommandsMonitorCarriesItsUnitIntoEverySnapshot() {
        let monitor = RunMonitor(unit: "records", callsModels: false)
        monitor.update {
            $0.total = 10
            $0.done = 4
            $0.phase = "running"
        }
        let snapshot = monitor.snapshot()
        #expect(snapshot.unit == "records" && !snapshot.callsModels)
        #expect(snapshot.total == 10 && snapshot.done == 4)
        #expect(ProgressRenderer.plainLine(snapshot).contains("4/10 records"))
    }

    @Test func theReporterDrawsAFirstAndALastFrameAroundASynchronousBody() async throws {
        let pipe = try RunProgressIO.pipe()
        defer { close(pipe.read) }
        let monitor = RunMonitor(unit: "records", callsModels: false)
        monitor.update {
            $0.phase = "running"
            $0.total = 3
        }
        let reporter = ProgressReporter(style: .plain, fileDescriptor: pipe.write, interval: .seconds(3_600)) { monitor.snapshot() }
        let result = await reporter.showing { () -> Int in
            // Holds its thread, as `pairs` and `convert` do: the first frame must not wait for a tick.
            for _ in 0..<3 { monitor.update { $0.done += 1 } }
            return 3
        }
        #expect(result == 3)
        close(pipe.write)
        let lines = try RunProgressIO.readToEnd(pipe.read).split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("0/3 records") == true, "\(lines)")
        #expect(lines.last?.contains("3/3 records (100.0%)") == true, "\(lines)")
    }
}

/// Repeated identical warnings folded into counts, so a failure that repeats on every call does
/// not bury the display; errors are never folded.
@Suite struct WarningFoldingTests {
    @Test func theFirstOfEachKeyIsAdmittedAndTheRestCountedInFirstSeenOrder() {
        var folds = WarningFolds()
        var admitted: [Bool] = []
        for key in ["b", "a"] + Array(repeating: "b", count: 11) + ["a", "c"] { admitted.append(folds.admit(key)) }
        #expect(admitted == [true, true] + Array(repeating: false, count: 11) + [false, true])
        #expect(folds.count(of: "b") == 12)
        #expect(folds.folded == 12)
        #expect(folds.summary == ["b ×12", "a ×2"])
    }

    @Test func theKeyLeavesOutAttemptsDelaysAndTheErrorTextWhenAKindNamesIt() {
        let first = ProgressLogHandler.foldingKey(
            level: .warning, label: "prefab.llm", message: "call failed after retries",
            metadata: ["model": "m", "attempts": "3", "error": "HTTP 400: 5000 tokens exceed 4096", "error_kind": "context_overflow"])
        let second = ProgressLogHandler.foldingKey(
            level: .warning, label: "prefab.llm", message: "call failed after retries",
            metadata: ["model": "m", "attempts": "2", "error": "HTTP 400: 7311 tokens exceed 4096", "error_kind": "context_overflow"])
        #expect(first == second)
        #expect(first == "warning prefab.llm: call failed after retries error_kind=context_overflow model=m")
    }

    @Test func withoutAKindDifferentErrorsStayApart() {
        func key(_ error: String) -> String? {
            ProgressLogHandler.foldingKey(level: .warning, label: "prefab.x", message: "failed", metadata: ["error": "\(error)"])
        }
        #expect(key("disk full") != key("permission denied"))
        #expect(key("disk full") == key("disk full"))
    }

    @Test func errorsAreNeverFolded() {
        for level in [Logger.Level.error, .critical] {
            #expect(ProgressLogHandler.foldingKey(level: level, label: "prefab.cache", message: "commit failed", metadata: [:]) == nil)
        }
    }

    @Test func repeatedWarningsPrintOnceInFullAndTheirCountAtTheEnd() throws {
        let pipe = try RunProgressIO.pipe()
        defer { close(pipe.read) }
        let reporter = ProgressReporter(style: .quiet, fileDescriptor: pipe.write) { RunProgressFixtures.running }
        let logger = Logger(label: "prefab.llm") { ProgressLogHandler(label: $0, reporter: reporter) }
        for call in 1...12 {
            logger.warning("call failed", metadata: [
                "model": "m", "error": "HTTP 400 on call \(call): exceeds the context", "error_kind": "context_overflow",
            ])
        }
        logger.warning("call failed", metadata: ["model": "m", "error": "HTTP 503", "error_kind": "http_503"])
        logger.error("response cache commit failed")
        logger.error("response cache commit failed")
        #expect(reporter.warningFolds.folded == 11)
        reporter.finish()
        close(pipe.write)
        let lines = try RunProgressIO.readToEnd(pipe.read).split(separator: "\n").map(String.init)
        #expect(lines == [
            "warning prefab.llm: call failed error=HTTP 400 on call 1: exceeds the context error_kind=context_overflow model=m",
            "warning prefab.llm: call failed error=HTTP 503 error_kind=http_503 model=m",
            "error prefab.llm: response cache commit failed",
            "error prefab.llm: response cache commit failed",
            "warning prefab.llm: call failed error_kind=context_overflow model=m ×12",
        ])
    }

    @Test func whileRunningThePlainLineCountsFoldedWarningsAndTheLiveBlockListsThem() throws {
        var folds = WarningFolds()
        for _ in 0..<12 { _ = folds.admit("warning prefab.llm: call failed error_kind=context_overflow") }
        #expect(ProgressRenderer.plainLine(CommandProgressRenderTests.converting, foldedWarnings: folds.folded)
            == "[00:00:10] 5000/20000 records (25.0%), 500/s, ETA 30s, 11 repeated warnings folded")
        #expect(ProgressRenderer.foldedLines(folds.summary, width: 200)
            == ["  repeated: warning prefab.llm: call failed error_kind=context_overflow ×12"])
        #expect(ProgressRenderer.foldedLines(folds.summary, width: 20) == ["  repeated: warning "])
    }

    @Test func theReportersPlainLinesCountWarningsFoldedSoFar() throws {
        let pipe = try RunProgressIO.pipe()
        defer { close(pipe.read) }
        let reporter = ProgressReporter(style: .plain, fileDescriptor: pipe.write) { CommandProgressRenderTests.converting }
        for _ in 0..<3 { reporter.log("warning x: same", foldingKey: "warning x: same") }
        reporter.refresh()
        reporter.finish()
        close(pipe.write)
        let lines = try RunProgressIO.readToEnd(pipe.read).split(separator: "\n").map(String.init)
        #expect(lines.first == "warning x: same")
        #expect(lines[1].hasSuffix(", 2 repeated warnings folded"), "\(lines)")
        #expect(lines.last == "warning x: same ×3")
    }

    @Test func jsonProgressGivesTheFoldedCountsAsMessages() throws {
        let pipe = try RunProgressIO.pipe()
        defer { close(pipe.read) }
        let reporter = ProgressReporter(style: .json, fileDescriptor: pipe.write) { RunProgressFixtures.running }
        for _ in 0..<3 { reporter.log("warning x: same", foldingKey: "warning x: same") }
        reporter.finish()
        close(pipe.write)
        let lines = try RunProgressIO.readToEnd(pipe.read).split(separator: "\n").map(String.init)
        #expect(lines.first == #"{"message":"warning x: same"}"#)
        #expect(lines.last == #"{"message":"warning x: same ×3"}"#)
        #expect(lines.count == 3)  // the message, the final frame, the count
    }

    @Test func endpointErrorsNameTheirKindForFolding() {
        let overflow = EndpointError.http(endpoint: "local", status: 400, message: "the request exceeds the available context size, try increasing it")
        #expect(overflow.logKind == "context_overflow")
        #expect(EndpointError.http(endpoint: "e", status: 503, message: "busy").logKind == "http_503")
        #expect(EndpointError.retriesExhausted(endpoint: "e", attempts: 3, last: overflow).logKind == "context_overflow")
        #expect(EndpointError.transport(endpoint: "e", TransportError(kind: .timeout, code: 28, message: "t")).logKind == "transport_timeout")
    }
}
