import Foundation

/// One run of `scripts/local VERB`: its exit status, what it printed on stdout (a URL, a status),
/// and the tail of its stderr for error messages.
///
/// The script's stderr carries progress ("building llama-server: about 9 minutes...") that a
/// person should see while it happens, so it is forwarded line by line when `echo` is set, and the
/// last few kilobytes are kept for the error. Pipes are drained on their own threads so a chatty
/// script can never block on a full pipe.
struct LocalScriptRun: Sendable {
    var status: Int32
    var stdout: String
    var stderrTail: String

    /// The last `local: error:` line, else the last non-empty line, of stderr.
    var failureDetail: String {
        let lines = stderrTail.split(separator: "\n").map { String($0) }
        if let error = lines.last(where: { $0.hasPrefix("local: error: ") }) {
            return String(error.dropFirst("local: error: ".count))
        }
        return lines.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) ?? "no output"
    }

    static func run(
        script: URL,
        verb: String,
        environment: [String: String],
        echo: Bool
    ) async throws(LocalServerError) -> LocalScriptRun {
        let process = Process()
        process.executableURL = script
        process.arguments = [verb]
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice

        let collected = Collected()
        let done = DispatchGroup()
        // Threads of their own, not the global queue: a reader blocks for the script's whole run
        // (minutes when it builds llama-server), and on Linux the global queue's threads are the
        // ones Swift's tasks run on.
        done.enter()
        Thread {
            collected.setOutput(stdout.fileHandleForReading.readDataToEndOfFile())
            done.leave()
        }.start()
        done.enter()
        Thread {
            let handle = stderr.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                if echo { FileHandle.standardError.write(chunk) }
                collected.appendError(chunk)
            }
            done.leave()
        }.start()
        done.enter()
        process.terminationHandler = { _ in done.leave() }
        do {
            try await Self.launch(process)
        } catch {
            // Nothing will write to the pipes: close them so the readers finish.
            try? stdout.fileHandleForWriting.close()
            try? stderr.fileHandleForWriting.close()
            throw .cannotRun(script: script.path, reason: "\(error)")
        }

        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                done.notify(queue: .global()) { continuation.resume() }
            }
        } onCancel: {
            process.terminate()
        }
        return LocalScriptRun(
            status: process.terminationStatus,
            stdout: collected.output,
            stderrTail: collected.errorTail)
    }
}

extension LocalScriptRun {
    /// Starts `process` from a fresh thread with no signals blocked. A child inherits the
    /// launching thread's signal mask, and Swift's concurrency threads block nearly every signal:
    /// launched from one of them, the script (and the server it starts) would ignore SIGTERM.
    fileprivate static func launch(_ process: Process) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                var none = sigset_t()
                sigemptyset(&none)
                pthread_sigmask(SIG_SETMASK, &none, nil)
                do {
                    try process.run()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }
}

/// The pipes' contents, written from the reader threads.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var outputData = Data()
    private var errorData = Data()
    private static let tailBytes = 8192

    func setOutput(_ data: Data) {
        lock.withLock { outputData = data }
    }

    func appendError(_ data: Data) {
        lock.withLock {
            errorData.append(data)
            if errorData.count > 2 * Self.tailBytes {
                errorData = Data(errorData.suffix(Self.tailBytes))
            }
        }
    }

    var output: String {
        lock.withLock { String(decoding: outputData, as: UTF8.self) }
    }

    var errorTail: String {
        lock.withLock { String(decoding: errorData.suffix(Self.tailBytes), as: UTF8.self) }
    }
}
