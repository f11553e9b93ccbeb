import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves `RunMetrics` at `GET /metrics` in Prometheus' text format, on SwiftNIO (the HTTP
/// server library the project already has, for prefab-sim): one event-loop thread, a response
/// per scrape, nothing else. Everything else is 404.
package final class RunMetricsServer: Sendable {
    package let port: Int
    package let host: String
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    private init(host: String, port: Int, group: MultiThreadedEventLoopGroup, channel: any Channel) {
        self.host = host
        self.port = port
        self.group = group
        self.channel = channel
    }

    /// Binds `HOST:PORT` (port 0: any free port; `port` says which) and serves until `stop`.
    package static func start(_ address: RunMetricsAddress, metrics: RunMetrics) async throws(RunMetricsError) -> RunMetricsServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(metrics: metrics))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: address.host, port: address.port).get()
            return RunMetricsServer(host: address.host, port: channel.localAddress?.port ?? address.port, group: group, channel: channel)
        } catch {
            try? await group.shutdownGracefully()
            throw .bind(address: address.description, reason: "\(error)")
        }
    }

    package func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// One connection: answers each request when it has been read in full.
private final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: RunMetrics
    private var head: HTTPRequestHead?

    init(metrics: RunMetrics) {
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
        case .body:
            break
        case .end:
            guard let request = head else { return }
            head = nil
            let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
            let found = path == "/metrics" && (request.method == .GET || request.method == .HEAD)
            let body = found ? metrics.exposition() : Array("not found: metrics are at /metrics\n".utf8)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8")
            headers.add(name: "Content-Length", value: String(body.count))
            let status: HTTPResponseStatus = found ? .ok : .notFound
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
            if request.method != .HEAD {
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
