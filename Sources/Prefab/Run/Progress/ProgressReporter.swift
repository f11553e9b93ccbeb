import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws a run's progress to one file descriptor (stderr by default) and is the only thing that
/// writes there while the run lasts: a live block redrawn in place breaks as soon as someone else
/// prints half a line into it, so other messages go through `log(_:)`, which lifts the block,
/// prints the message and puts the block back.
///
/// The reporter pulls: every `interval` it calls the `snapshot` closure (counters only, cheap)
/// and draws the result, so the pipeline never waits on the display. It keeps the snapshot
/// history that a smoothed rate needs and fills `rate` and `etaSeconds` before drawing.
///
/// Wiring, with structured concurrency:
///
/// ```swift
/// let reporter = ProgressReporter(style: style) { counters.snapshot() }
/// let result = try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { await reporter.run() }
///     defer { reporter.finish(final: counters.snapshot()) }  // on errors too; ends `run()`
///     return try await pipeline.run(log: reporter.log)
/// }
/// ```
///
/// `run()` returns promptly when `finish` is called or its task is cancelled, so the group does
/// not wait out a 10 s plain-mode interval.
/// All methods are thread-safe; writes are serialized by a lock and each frame is one `write(2)`.
/// The file descriptor is never closed by the reporter.
package final class ProgressReporter: @unchecked Sendable {
    package let style: ProgressStyle
    /// Time between two frames.
    package let interval: Duration

    private let fileDescriptor: Int32
    private let fixedWidth: Int?
    private let snapshot: @Sendable () -> RunProgress

    // Guarded by `lock`.
    private let lock = NSLock()
    private var estimator = ProgressRateEstimator()
    private var latest: RunProgress?
    private var drawnLines = 0
    private var finished = false
    private var sleeper: Task<Void, Never>?
    private var folds = WarningFolds()

    /// - Parameters:
    ///   - style: usually `ProgressStyle.automatic(quiet:json:isTerminal:)`.
    ///   - fileDescriptor: where to draw; stderr keeps stdout free for the run's own output.
    ///   - interval: time between frames; nil takes the style's default (live 0.25 s, plain 10 s,
    ///     json 1 s).
    ///   - width: columns for the live block; nil asks the terminal at each frame (so a resized
    ///     window is followed), falling back to 80.
    ///   - snapshot: the run's state now; called from the reporter's loop, so it must be cheap
    ///     and thread-safe, and must not call back into the reporter.
    package init(
        style: ProgressStyle, fileDescriptor: Int32 = STDERR_FILENO, interval: Duration? = nil, width: Int? = nil,
        snapshot: @escaping @Sendable () -> RunProgress
    ) {
        self.style = style
        self.fileDescriptor = fileDescriptor
        self.interval = interval ?? style.defaultInterval
        self.fixedWidth = width
        self.snapshot = snapshot
    }

    /// Draws a frame at once, then one every `interval`, until `finish` is called or the calling
    /// task is cancelled. Returns at once for `.quiet`. Run it as a child task beside the pipeline.
    package func run() async {
        guard style != .quiet else { return }
        // `showing` has drawn the first frame already; drawing it again would print a twin line.
        var drawn = lock.withLock { latest != nil }
        while !Task.isCancelled, !lock.withLock({ finished }) {
            if !drawn { refresh() }
            drawn = false
            let interval = self.interval
            let sleep = Task<Void, Never> { try? await Task.sleep(for: interval) }
            let armed = lock.withLock {
                if finished { return false }
                sleeper = sleep
                return true
            }
            guard armed else {
                sleep.cancel()
                return
            }
            // `finish` cancels the sleep, so the loop ends at once rather than a plain-mode 10 s later.
            await withTaskCancellationHandler { await sleep.value } onCancel: { sleep.cancel() }
            lock.withLock { sleeper = nil }
        }
    }

    /// Draws while `body` runs and finishes with a last frame when it returns or throws: the
    /// wiring every long command shares, so none can forget the final frame or leave the loop
    /// running. `finish` ends the loop at once, so nothing waits out a plain-mode interval.
    /// The first frame is drawn before `body` starts: a synchronous body (`pairs`, `convert`)
    /// may hold the thread the loop would have drawn it on.
    package func showing<T, Failure: Error>(_ body: () async throws(Failure) -> T) async throws(Failure) -> T {
        if style != .quiet { refresh() }
        let loop = Task { await self.run() }
        defer {
            finish()
            loop.cancel()
        }
        return try await body()
    }

    /// Draws the current state now, between ticks: for a change worth showing at once, such as
    /// a new phase. Does nothing after `finish`.
    package func refresh() {
        guard !lock.withLock({ finished }) else { return }
        let next = snapshot()
        lock.withLock {
            guard !finished else { return }
            // A snapshot taken before the one already drawn (two threads raced here) is stale.
            if let latest, next.elapsed < latest.elapsed { return }
            draw(estimator.observe(next))
        }
    }

    /// Prints `line` without tearing the display: in live mode the block is erased, the line
    /// written, and the block redrawn below it; in JSON mode the line becomes `{"message": ...}`
    /// so every line a script reads parses. Printed in every style, `.quiet` included: quiet
    /// silences progress, not warnings.
    ///
    /// With a `foldingKey` (`ProgressLogHandler.foldingKey`), only the first line of each key is
    /// printed; later ones are counted and `finish` lists the counts ("KEY ×12").
    package func log(_ line: String, foldingKey: String? = nil) {
        let text = line.hasSuffix("\n") ? String(line.dropLast()) : line
        lock.withLock {
            if let foldingKey, !folds.admit(foldingKey) { return }
            writeMessage(text)
        }
    }

    /// Repeated warnings folded so far, by kind (see `WarningFolds`).
    package var warningFolds: WarningFolds {
        lock.withLock { folds }
    }

    /// Writes one message line in the style's way (called with the lock held).
    private func writeMessage(_ text: String) {
        switch style {
        case .json:
            write(ProgressRenderer.jsonMessage(text) + "\n")
        case .live where drawnLines > 0 && !finished:
            var bytes = ProgressRenderer.erase(lineCount: drawnLines) + text + "\n"
            let lines = latest.map(liveBlock) ?? []
            bytes += ProgressRenderer.redraw(lines, replacing: 0)
            drawnLines = lines.count
            write(bytes)
        case .live, .plain, .quiet:
            write(text + "\n")
        }
    }

    /// Draws the last state and stops: live mode leaves the final block on screen with the cursor
    /// on the line below it; plain and JSON write one last line. Later calls to `refresh` and
    /// `finish` do nothing; `log` still prints. `final` defaults to a fresh snapshot. Warnings
    /// folded while it ran are listed below the last frame, one line a kind with its count.
    package func finish(final: RunProgress? = nil) {
        let last = final ?? snapshot()
        lock.withLock {
            guard !finished else { return }
            finished = true
            sleeper?.cancel()
            sleeper = nil
            draw(estimator.observe(last))
            drawnLines = 0
            for line in folds.summary { writeMessage(line) }
        }
    }

    // MARK: - Drawing (called with the lock held)

    private func draw(_ progress: RunProgress) {
        latest = progress
        switch style {
        case .live:
            let lines = liveBlock(progress)
            write(ProgressRenderer.redraw(lines, replacing: drawnLines))
            drawnLines = lines.count
        case .plain:
            write(ProgressRenderer.plainLine(progress, foldedWarnings: folds.folded) + "\n")
        case .json:
            write(ProgressRenderer.jsonLine(progress) + "\n")
        case .quiet:
            break
        }
    }

    /// The live block with the folded warnings below it, so a warning that keeps repeating
    /// after its first line still shows, as a count, while the command runs.
    private func liveBlock(_ progress: RunProgress) -> [String] {
        let width = currentWidth()
        return ProgressRenderer.liveLines(progress, width: width) + ProgressRenderer.foldedLines(folds.summary, width: width)
    }

    private func currentWidth() -> Int {
        fixedWidth ?? ProgressTerminal.width(of: fileDescriptor) ?? ProgressTerminal.defaultWidth
    }

    /// All of `text` in as few `write(2)` calls as the descriptor allows. Errors are dropped:
    /// a display that cannot be written must not stop the run.
    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                #if canImport(Darwin)
                let written = Darwin.write(fileDescriptor, base + offset, buffer.count - offset)
                #elseif canImport(Musl)
                let written = Musl.write(fileDescriptor, base + offset, buffer.count - offset)
                #else
                let written = Glibc.write(fileDescriptor, base + offset, buffer.count - offset)
                #endif
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
