import Foundation

/// Runs a command to its end and returns its exit status and output, waiting on a thread of its
/// own. The test's task gives its cooperative thread back meanwhile: the pool has one thread per
/// core (two on CI), so a test that held one for a child's whole run starved every other test,
/// in-process runs and simulators included, for as long (tens of seconds, past time limits).
///
/// `environment` is added to this process's own; stdin is empty unless given.
@discardableResult
public func runProcess(
    _ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
    currentDirectory: String? = nil
) async throws -> (status: Int32, stdout: String, stderr: String) {
    try await onOwnThread {
        try runProcessBlocking(executable, arguments, stdin: stdin, environment: environment, currentDirectory: currentDirectory)
    }
}

/// `runProcess` blocking the calling thread: for synchronous helpers whose commands end in a
/// moment (a `zstd -t`, a boto3 call).
///
/// Both pipes are read at once (stderr on a thread of its own), so a child that writes more than
/// a pipe holds to either cannot block.
@discardableResult
public func runProcessBlocking(
    _ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
    currentDirectory: String? = nil
) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    if let stdin {
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
    } else {
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }
    let errRead = StderrRead()
    let errHandle = err.fileHandleForReading
    Thread {
        errRead.data = errHandle.readDataToEndOfFile()
        errRead.done.signal()
    }.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    errRead.done.wait()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errRead.data, as: UTF8.self))
}

/// Stderr as its reader thread left it: `data` is written before `done` is signalled and read
/// after it is waited for.
private final class StderrRead: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}

/// A line as its reader thread left it: `line` is written before `done` is signalled and read
/// only after a successful wait.
private final class LineRead: @unchecked Sendable {
    var line = ""
    let done = DispatchSemaphore(value: 0)
}

/// Runs `body` on a new thread and waits for it without holding a cooperative thread: for
/// blocking work in an async test (a child's exit, a blocking read).
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result(catching: body)) }.start()
    }
}

extension Process {
    /// Waits for the process to end on a thread of its own (see `runProcess`).
    public func exited() async {
        nonisolated(unsafe) let process = self
        _ = try? await onOwnThread { process.waitUntilExit() }
    }
}

/// Starts a command in the background (to be watched and killed); stdout is dropped, stderr goes
/// to `stderrLog` when given. `environment` is added to this process's own.
public func startProcess(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil,
    stderrLog: String? = nil
) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    if let stderrLog {
        _ = FileManager.default.createFile(atPath: stderrLog, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: stderrLog)
    } else {
        process.standardError = FileHandle.nullDevice
    }
    try process.run()
    return process
}

extension Process {
    /// Kills the process with SIGKILL as soon as `condition` holds (or `seconds` have passed),
    /// watching from a thread of its own: a test's task can wait seconds for a cooperative thread,
    /// and by then the moment would have passed. Returns whether it was killed (false: it ended
    /// first); either way it has ended when this returns.
    public func kill(when condition: @escaping @Sendable () -> Bool, within seconds: Double = 120) async -> Bool {
        nonisolated(unsafe) let process = self
        return (try? await onOwnThread {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning, Date() < deadline, !condition() { usleep(10_000) }
            guard process.isRunning else { return false }
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return true
        }) ?? false
    }
}

extension FileHandle {
    /// The next line (without its newline) read on a thread of its own; what was read when the
    /// pipe closes first.
    public func firstLine() async throws -> String {
        nonisolated(unsafe) let handle = self
        return try await onOwnThread { handle.readLine() }
    }

    /// `firstLine()` for a synchronous caller: nil when no line came within `seconds` (the
    /// reading thread is left to end with the pipe).
    public func firstLine(within seconds: Double) -> String? {
        nonisolated(unsafe) let handle = self
        let read = LineRead()
        Thread {
            read.line = handle.readLine()
            read.done.signal()
        }.start()
        guard read.done.wait(timeout: .now() + seconds) == .success else { return nil }
        return read.line
    }

    /// Reads byte by byte up to a newline or the end of the pipe, blocking the calling thread.
    private func readLine() -> String {
        var bytes: [UInt8] = []
        while let byte = readData(ofLength: 1).first, byte != 0x0A { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads and drops everything until the pipe closes, on a thread of its own: a child's later
    /// output must not fill the pipe and stall it.
    public func drainInBackground() {
        nonisolated(unsafe) let handle = self
        Thread { _ = handle.readDataToEndOfFile() }.start()
    }
}
