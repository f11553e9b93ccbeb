import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// The simulator as an in-process HTTP server: OpenAI-compatible chat completions, embeddings
/// and models, Anthropic Messages, a health check, and `/sim/stats` + `/sim/reset`.
///
/// ```swift
/// let server = SimulatorServer(configuration: .init(seed: 7))
/// let port = try await server.start()
/// // ... point a client at server.baseURL ...
/// try await server.stop()
/// ```
///
/// It runs on its own event-loop group (one thread per core by default), so thousands of
/// keep-alive connections and delayed answers cost no threads. Call `stop()` before dropping it:
/// that closes every connection (hanging ones included) and ends the threads.
public final class SimulatorServer: Sendable {
    private enum State {
        case idle
        case starting
        case running(group: MultiThreadedEventLoopGroup, channel: Channel, port: Int)
        case stopped
    }

    public let configuration: SimulatorConfiguration
    private let engine: SimulatorEngine
    private let state = NIOLockedValueBox(State.idle)

    public init(configuration: SimulatorConfiguration = SimulatorConfiguration()) {
        self.configuration = configuration
        self.engine = SimulatorEngine(configuration: configuration)
    }

    /// Binds and starts serving; returns the bound port (the chosen one when `port` is 0).
    @discardableResult
    public func start() async throws -> Int {
        try configuration.validate()
        try state.withLockedValue { state in
            guard case .idle = state else { throw SimulatorServerError.alreadyStarted }
            state = .starting
        }
        let threads = configuration.threads > 0 ? configuration.threads : System.coreCount
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let engine = self.engine
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(SimulatorHTTPHandler(engine: engine))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
            guard let port = channel.localAddress?.port else {
                throw SimulatorServerError.bindFailed(host: configuration.host, port: configuration.port, reason: "no local address")
            }
            state.withLockedValue { $0 = .running(group: group, channel: channel, port: port) }
            return port
        } catch {
            state.withLockedValue { $0 = .idle }
            try? await group.shutdownGracefully()
            if let error = error as? SimulatorServerError { throw error }
            throw SimulatorServerError.bindFailed(host: configuration.host, port: configuration.port, reason: "\(error)")
        }
    }

    /// Stops listening, closes every connection and ends the event-loop threads. Idempotent.
    public func stop() async throws {
        let running: (MultiThreadedEventLoopGroup, Channel)? = state.withLockedValue { state in
            guard case let .running(group, channel, _) = state else { return nil }
            state = .stopped
            return (group, channel)
        }
        guard let (group, channel) = running else { return }
        try? await channel.close()
        try await group.shutdownGracefully()
    }

    /// The bound port, or nil before `start()` and after `stop()`.
    public var port: Int? {
        state.withLockedValue { state in
            if case let .running(_, _, port) = state { return port }
            return nil
        }
    }

    /// `http://HOST:PORT` with the bound port (the configured one before `start()`); a wildcard
    /// host is written as 127.0.0.1 so the URL can be dialled.
    public var baseURL: String {
        var host = configuration.host
        if host == "0.0.0.0" || host.isEmpty { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
        if host.contains(":") { host = "[\(host)]" }
        return "http://\(host):\(port ?? configuration.port)"
    }

    /// The same data as `GET /sim/stats`.
    public func stats() -> SimulatorStats {
        engine.recorder.snapshot()
    }

    /// The same as `POST /sim/reset`: zeroes the stats and the `x-sim-fail-times` counters.
    public func resetStats() {
        engine.recorder.reset()
    }
}
