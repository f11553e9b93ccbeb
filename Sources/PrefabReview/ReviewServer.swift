import Foundation
import Hummingbird
import Logging
import NIOCore
import Prefab

/// `prefab review`'s web app: the page (one HTML file, one script, one stylesheet, all served
/// from here, so it works offline) and a small JSON API over the review index and the labels.
///
/// API (JSON; every request passes `ReviewAccess`):
/// - `GET /api/config`: total items, the default reviewer, the filter values (`facets`);
/// - `GET /api/queue?offset=&limit=&model=&source=&aspect=&flag=&status=&reviewer=`: a page of
///   the queue, most uncertain first, with progress;
/// - `GET /api/item?prompt_id=`: one item (`ReviewItemView`);
/// - `POST /api/label` `{prompt_id, reviewer, verdict, aspects?, note?}`: saves a label;
/// - `POST /api/undo` `{reviewer}`: takes back that reviewer's latest label;
/// - `GET /api/conflicts`: items whose reviewers disagree, with their labels.
package struct ReviewServer: Sendable {
    package let index: ReviewIndex
    package let store: ReviewStore
    package let access: ReviewAccess
    package let reviewer: String

    /// Largest request body: a note and a few aspect ratings.
    static let maxBody = 64 * 1024
    static let maxPage = 200

    /// Opens (building when needed) the run's index and its labels.
    package init(runDirectory: String, access: ReviewAccess, reviewer: String) throws(ReviewError) {
        try ReviewIndex.checkRunDirectory(runDirectory)
        store = try ReviewStore(runDirectory: runDirectory)
        index = try ReviewIndex(runDirectory: runDirectory)
        self.access = access
        self.reviewer = reviewer
    }

    /// The URL people open: with the token when there is one.
    package func url(host: String, port: Int) -> String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "http://\(shown):\(port)/" + (access.token.map { "?token=\($0)" } ?? "")
    }

    /// Serves until SIGINT or SIGTERM. `started` is called with the bound port once the server
    /// listens (the real one when `port` is 0).
    package func run(host: String, port: Int, started: @escaping @Sendable (Int) async -> Void) async throws {
        var logger = Logger(label: "prefab-review")
        logger.logLevel = .warning
        let app = Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await started(channel.localAddress?.port ?? port) }, logger: logger)
        try await app.runService()
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ReviewMiddleware(access: access))
        router.get("/") { _, _ in Self.asset(ReviewPage.html, type: "text/html; charset=utf-8") }
        router.get("/review.js") { _, _ in Self.asset(ReviewPage.script, type: "text/javascript; charset=utf-8") }
        router.get("/review.css") { _, _ in Self.asset(ReviewPage.style, type: "text/css; charset=utf-8") }
        router.get("/api/config") { _, _ in await respond { try self.config() } }
        router.get("/api/queue") { request, _ in
            let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
            return await respond { try await self.queue(query) }
        }
        router.get("/api/item") { request, _ in
            await respond { try await self.item(promptID: request.uri.queryParameters["prompt_id"].map(String.init)) }
        }
        router.post("/api/label") { request, _ in
            var request = request
            let body = try? await request.collectBody(upTo: Self.maxBody)
            return await respond { try await self.label(body) }
        }
        router.post("/api/undo") { request, _ in
            var request = request
            let body = try? await request.collectBody(upTo: Self.maxBody)
            return await respond { try await self.undo(body) }
        }
        router.get("/api/conflicts") { _, _ in await respond { try await self.conflicts() } }
        return router
    }

    // MARK: handlers

    struct Config: Encodable {
        var total: Int
        var reviewer: String
        var facets: [String: [ReviewFacet]]
        var statuses: [String]
    }

    func config() throws(ReviewError) -> Config {
        Config(total: index.count, reviewer: reviewer, facets: try index.facets(), statuses: ReviewQueueFilter.Status.allCases.map(\.rawValue))
    }

    struct Progress: Encodable {
        var reviewed: Int
        var total: Int
        var mine: Int
    }

    struct QueueAnswer: Encodable {
        var page: ReviewQueuePage
        var progress: Progress
    }

    func queue(_ query: [String: String]) async throws(ReviewError) -> QueueAnswer {
        func text(_ name: String) -> String? { query[name].flatMap { $0.isEmpty ? nil : $0 } }
        let offset = max(0, text("offset").flatMap(Int.init) ?? 0)
        let limit = min(Self.maxPage, max(1, text("limit").flatMap(Int.init) ?? 50))
        var filter = ReviewQueueFilter(model: text("model"), source: text("source"), aspect: text("aspect"), flag: text("flag"))
        if let status = text("status") {
            guard let parsed = ReviewQueueFilter.Status(rawValue: status) else {
                throw .badRequest("status: expected one of \(ReviewQueueFilter.Status.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = parsed
        }
        let page = try index.page(filter, offset: offset, limit: limit)
        return QueueAnswer(page: page, progress: try await progress(reviewer: text("reviewer")))
    }

    func progress(reviewer: String?) async throws(ReviewError) -> Progress {
        let counts = try await store.progress(reviewer: reviewer)
        return Progress(reviewed: counts.reviewed, total: index.count, mine: counts.mine)
    }

    func item(promptID: String?) async throws(ReviewError) -> ReviewItemView {
        guard let promptID, !promptID.isEmpty else { throw .badRequest("prompt_id: required") }
        guard let found = try index.record(promptID: promptID) else { throw .notFound("no item with prompt_id \(promptID)") }
        return ReviewItemView(record: found.record, ordinal: found.ordinal, uncertainty: found.uncertainty, labels: try await store.labels(promptID: promptID))
    }

    struct LabelRequest: Decodable {
        var promptID: String
        var reviewer: String
        var verdict: String
        var aspects: [String: Double]?
        var note: String?

        enum CodingKeys: String, CodingKey {
            case reviewer, verdict, aspects, note
            case promptID = "prompt_id"
        }
    }

    struct LabelAnswer: Encodable {
        var label: HumanLabel?
        var progress: Progress
    }

    func label(_ body: ByteBuffer?) async throws(ReviewError) -> LabelAnswer {
        let request: LabelRequest = try Self.decode(body)
        let reviewer = try Self.reviewerName(request.reviewer)
        guard let verdict = HumanVerdict(label: request.verdict) else {
            throw .badRequest("verdict: expected a completion letter (A, B, …), tie or both_bad, got \(request.verdict)")
        }
        guard let completions = try index.completionCount(promptID: request.promptID) else {
            throw .notFound("no item with prompt_id \(request.promptID)")
        }
        if case .prefers(let chosen) = verdict, chosen >= completions {
            throw .badRequest("verdict: \(request.verdict) names no completion; the item has \(completions)")
        }
        if let aspects = request.aspects {
            for (aspect, rating) in aspects where !(1...5).contains(rating) {
                throw .badRequest("aspects.\(aspect): a rating from 1 to 5, got \(rating)")
            }
        }
        if let note = request.note, note.utf8.count > 16_384 { throw .badRequest("note: at most 16 KiB") }
        let label = try await store.label(
            promptID: request.promptID, reviewer: reviewer, verdict: verdict, aspects: request.aspects, note: request.note)
        return LabelAnswer(label: label, progress: try await progress(reviewer: reviewer))
    }

    struct UndoRequest: Decodable {
        var reviewer: String
    }

    func undo(_ body: ByteBuffer?) async throws(ReviewError) -> LabelAnswer {
        let request: UndoRequest = try Self.decode(body)
        let reviewer = try Self.reviewerName(request.reviewer)
        let undone = try await store.undo(reviewer: reviewer)
        return LabelAnswer(label: undone, progress: try await progress(reviewer: reviewer))
    }

    struct Conflict: Encodable {
        var promptID: String
        var labels: [HumanLabel]

        enum CodingKeys: String, CodingKey {
            case labels
            case promptID = "prompt_id"
        }
    }

    func conflicts() async throws(ReviewError) -> [Conflict] {
        let verdicts = try await store.verdicts()
        return verdicts.conflicts.sorted().map { Conflict(promptID: $0, labels: verdicts.labels[$0] ?? []) }
    }

    // MARK: helpers

    static func reviewerName(_ name: String) throws(ReviewError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 64, !trimmed.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw .badRequest("reviewer: a name of 1 to 64 characters, without control characters")
        }
        return trimmed
    }

    static func decode<T: Decodable>(_ body: ByteBuffer?) throws(ReviewError) -> T {
        guard let body else { throw .badRequest("the request body is missing or larger than \(maxBody) bytes") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch DecodingError.keyNotFound(let key, _) {
            throw .badRequest("\(key.stringValue): required")
        } catch {
            throw .badRequest("the request body is not the JSON expected: \(error)")
        }
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Runs a handler and turns its value into a JSON response, and a `ReviewError` into a JSON
/// `{error}` with a status that says whose fault it was.
func respond<T: Encodable>(_ body: () async throws -> T) async -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let status: HTTPResponse.Status
    let data: Data
    do {
        data = try encoder.encode(try await body())
        status = .ok
    } catch let error as ReviewError {
        switch error {
        case .badRequest: status = .badRequest
        case .notFound: status = .notFound
        default: status = .internalServerError
        }
        data = (try? encoder.encode(["error": error.description])) ?? Data()
    } catch {
        status = .internalServerError
        data = (try? encoder.encode(["error": "\(error)"])) ?? Data()
    }
    return Response(
        status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
        body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
