import Foundation
import NIOCore
import NIOHTTP1

/// One connection's HTTP/1.1 handler: collects a request, asks the engine for the reply, waits
/// the reply's delay with `scheduleTask` (never blocking the event loop), and delivers it whole,
/// truncated, not at all (hang) or as a TCP reset.
///
/// `HTTPServerPipelineHandler` sits in front, so a keep-alive connection hands over one request
/// at a time even when the client pipelines.
final class SimulatorHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let engine: SimulatorEngine
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var bodyTooLarge = false
    /// The reply being delayed or delivered, until it is finished and counted.
    private var pending: SimulatorReply?
    private var scheduled: Scheduled<Void>?

    init(engine: SimulatorEngine) {
        self.engine = engine
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = nil
            bodyTooLarge = false
        case .body(var chunk):
            guard !bodyTooLarge else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > engine.configuration.maxBodyBytes {
                bodyTooLarge = true
                body = nil
            } else if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            guard let requestHead = head else { return }
            head = nil
            respond(to: requestHead, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        scheduled?.cancel()
        scheduled = nil
        if let reply = pending {
            pending = nil
            engine.finished(reply, delivered: false)
        }
        context.fireChannelInactive()
    }

    private func respond(to requestHead: HTTPRequestHead, context: ChannelHandlerContext) {
        let keepAlive = requestHead.isKeepAlive
        var reply: SimulatorReply
        if bodyTooLarge {
            reply = APIError(413, "The request body is larger than \(engine.configuration.maxBodyBytes) bytes.").reply(style: .openAI)
        } else {
            var headers: [String: String] = [:]
            for (name, value) in requestHead.headers {
                headers[name.lowercased()] = value
            }
            let uri = requestHead.uri
            let path = uri.firstIndex(of: "?").map { String(uri[..<$0]) } ?? uri
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            reply = engine.handle(SimulatorRequest(method: requestHead.method.rawValue, path: path, headers: headers, body: bytes))
        }
        body = nil
        pending = reply
        if reply.delayMilliseconds > 0 {
            let delay = TimeAmount.nanoseconds(Int64(reply.delayMilliseconds * 1_000_000))
            scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
                scheduled = nil
                deliver(reply, keepAlive: keepAlive, version: requestHead.version, context: context)
            }
        } else {
            deliver(reply, keepAlive: keepAlive, version: requestHead.version, context: context)
        }
    }

    private func deliver(_ reply: SimulatorReply, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext) {
        switch reply.delivery {
        case .hang:
            // Counted as finished when the client closes the connection.
            return
        case .reset:
            pending = nil
            engine.finished(reply, delivered: false)
            let channel = context.channel
            if let provider = channel as? SocketOptionProvider {
                provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
                    channel.close(promise: nil)
                }
            } else {
                context.close(promise: nil)
            }
        case .complete, .truncated:
            pending = nil
            engine.finished(reply, delivered: true)
            var headers = HTTPHeaders()
            headers.reserveCapacity(reply.headers.count + 3)
            headers.add(name: "server", value: "prefab-sim")
            for (name, value) in reply.headers {
                headers.add(name: name, value: value)
            }
            let truncated = reply.delivery == .truncated
            // A truncated body promises twice what it sends (at least 64 bytes more).
            let declaredLength = truncated ? max(reply.body.count * 2, reply.body.count + 64) : reply.body.count
            headers.add(name: "content-length", value: String(declaredLength))
            let closeAfter = truncated || !keepAlive
            if closeAfter {
                headers.add(name: "connection", value: "close")
            } else if version.major == 1, version.minor == 0 {
                headers.add(name: "connection", value: "keep-alive")
            }
            let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            let sent = truncated ? reply.body.prefix(reply.body.count / 2) : reply.body[...]
            if !sent.isEmpty {
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: sent)))), promise: nil)
            }
            if truncated {
                // No `.end`: the message is incomplete by design. Flush, then close.
                let channel = context.channel
                context.flush()
                channel.close(promise: nil)
            } else if closeAfter {
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                    channel.close(promise: nil)
                }
            } else {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
