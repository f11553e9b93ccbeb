import CCurl
import Foundation
import Logging

/// HTTP over one libcurl multi handle, driven by a thread of its own and exposed as `async` calls.
///
/// One multi handle means one connection pool: connections are kept alive and reused across
/// requests, HTTP/2 streams are multiplexed over one connection where a server offers it (HTTPS),
/// and thousands of requests can be in flight from a single thread that sleeps in
/// `curl_multi_poll` until a socket or a timer needs it. Callers hand transfers over through a
/// lock-protected queue and `curl_multi_wakeup`; the curl thread resumes their continuations when
/// the transfers end. Cancelling the calling task removes its transfer from the multi handle.
///
/// Proxies (`http_proxy`, `https_proxy`, `no_proxy`, ...) come from the environment as libcurl
/// reads them; CA settings from `CURL_CA_BUNDLE`/`SSL_CERT_FILE`/`SSL_CERT_DIR` as the curl tool
/// reads them.
public final class HTTPEngine: @unchecked Sendable {
    /// The process-wide engine. Sharing one engine shares its connection pool.
    public static let shared = HTTPEngine()

    private struct Queue {
        var adds: [CurlTransfer] = []
        var cancels: [CurlTransfer] = []
        var stopping = false
        var stopped = false
    }

    private let multi: UnsafeMutableRawPointer
    private let queue = Locked(Queue())
    private let logger: Logger
    /// Transfers inside the multi handle. Touched only by the curl thread.
    private var active: [ObjectIdentifier: CurlTransfer] = [:]
    private let inFlightCount = Locked(0)

    /// The open-file soft limit after the engine raised it to the hard limit.
    public let openFileLimit: UInt64

    /// Starts an engine and its thread. Prefer `shared` unless a separate connection pool is the point.
    public init(logger: Logger = Logger(label: "prefab.http")) {
        Self.globalInit
        openFileLimit = FileDescriptorLimit.raiseToHardLimit()
        guard let multi = curl_multi_init() else {
            fatalError("libcurl could not create a multi handle")
        }
        self.multi = multi
        self.logger = logger
        _ = prefab_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        let thread = Thread { [self] in runLoop() }
        thread.name = "prefab.curl"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// `curl_global_init` must run once, before any other libcurl call and before threads use it.
    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    /// Requests handed to the engine and not yet finished.
    public var inFlight: Int { inFlightCount.withLock { $0 } }

    /// Sends a request and returns its response, whatever the HTTP status.
    ///
    /// Throws `TransportError` when no complete response arrived (connection failure, timeout,
    /// truncated body, reset) and `CancellationError` when the task was cancelled, in which case
    /// the transfer is removed and its connection closed or returned to the pool.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let transfer = try CurlTransfer(request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.attach(continuation)
                enqueue(transfer)
            }
        } onCancel: {
            cancel(transfer)
        }
    }

    /// Stops the curl thread: transfers still in flight fail with a `.shutdown` transport error.
    /// The shared engine is never shut down.
    public func shutdown() {
        queue.withLock { queue in
            guard !queue.stopping else { return }
            queue.stopping = true
            curl_multi_wakeup(multi)
        }
    }

    private func enqueue(_ transfer: CurlTransfer) {
        let refused: (any Error)? = queue.withLock { queue in
            // Checked under the lock that `cancel` takes: either the cancellation handler ran
            // before this (and the flag is already set) or it will find the transfer queued.
            if Task.isCancelled { return CancellationError() }
            if queue.stopping {
                return TransportError(kind: .shutdown, code: 0, message: "the HTTP engine was shut down")
            }
            wakeIfIdle(queue)
            queue.adds.append(transfer)
            return nil
        }
        if let refused {
            transfer.fail(refused)
        } else {
            inFlightCount.withLock { $0 += 1 }
        }
    }

    private func cancel(_ transfer: CurlTransfer) {
        let removedBeforeStart = queue.withLock { queue in
            if let index = queue.adds.firstIndex(where: { $0 === transfer }) {
                queue.adds.remove(at: index)
                return true
            }
            if !queue.stopped {
                wakeIfIdle(queue)
                queue.cancels.append(transfer)
            }
            return false
        }
        if removedBeforeStart {
            inFlightCount.withLock { $0 -= 1 }
            transfer.fail(CancellationError())
        }
    }

    /// Wakes the curl thread unless work is already queued (whoever queued it woke the thread,
    /// and the thread takes the whole queue at once). Called under the queue lock, so the multi
    /// handle cannot be cleaned up meanwhile.
    private func wakeIfIdle(_ queue: Queue) {
        if queue.adds.isEmpty && queue.cancels.isEmpty && !queue.stopped {
            curl_multi_wakeup(multi)
        }
    }

    // MARK: The curl thread

    private func runLoop() {
        var running: Int32 = 0
        while true {
            let (adds, cancels, stopping) = queue.withLock { queue in
                defer {
                    queue.adds.removeAll(keepingCapacity: true)
                    queue.cancels.removeAll(keepingCapacity: true)
                }
                return (queue.adds, queue.cancels, queue.stopping)
            }
            for transfer in adds {
                let code = curl_multi_add_handle(multi, transfer.easy)
                if code == CURLM_OK {
                    active[ObjectIdentifier(transfer)] = transfer
                } else {
                    finished(transfer) {
                        $0.fail(TransportError(
                            kind: .other, code: Int(code.rawValue),
                            message: String(cString: curl_multi_strerror(code))))
                    }
                }
            }
            for transfer in cancels {
                // A transfer that completed before its cancellation arrived is no longer active.
                guard active.removeValue(forKey: ObjectIdentifier(transfer)) != nil else { continue }
                curl_multi_remove_handle(multi, transfer.easy)
                finished(transfer) { $0.fail(CancellationError()) }
            }
            if stopping {
                stop()
                return
            }

            let code = curl_multi_perform(multi, &running)
            if code != CURLM_OK {
                logger.error("curl_multi_perform failed", metadata: ["error": "\(String(cString: curl_multi_strerror(code)))"])
            }
            collectFinishedTransfers()
            // Sleeps until a socket is ready, libcurl's next timer, a wakeup, or one second.
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }

    private func collectFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let result = message.pointee.data.result
            var context: UnsafeMutableRawPointer?
            _ = prefab_curl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &context)
            curl_multi_remove_handle(multi, easy)
            guard let context else { continue }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            guard active.removeValue(forKey: ObjectIdentifier(transfer)) != nil else { continue }
            finished(transfer) { $0.complete(result) }
        }
    }

    private func finished(_ transfer: CurlTransfer, _ resume: (CurlTransfer) -> Void) {
        inFlightCount.withLock { $0 -= 1 }
        resume(transfer)
    }

    private func stop() {
        let error = TransportError(kind: .shutdown, code: 0, message: "the HTTP engine was shut down")
        for transfer in active.values {
            curl_multi_remove_handle(multi, transfer.easy)
            finished(transfer) { $0.fail(error) }
        }
        active.removeAll()
        let leftovers = queue.withLock { queue in
            queue.stopped = true
            defer { queue.adds.removeAll() }
            return queue.adds
        }
        for transfer in leftovers {
            finished(transfer) { $0.fail(error) }
        }
        queue.withLock { _ in _ = curl_multi_cleanup(multi) }
    }
}
