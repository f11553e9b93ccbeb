import Foundation
// TEMPORARY: replaced by the diversity2 and progress branches at merge.
public struct RunDiversityConfiguration: Codable, Hashable, Sendable {
    public func check(endpoints: [EndpointConfiguration]) -> (path: [ConfigKey], message: String)? { nil }
}
public struct EndpointProgress: Sendable { public var name: String; public var inFlight: Int; public var requests: Int; public var tokens: Int; public var failures: Int }
public struct RunProgress: Sendable {
    public var phase: String
    public var total: Int?
    public var done = 0, resumed = 0, failed = 0, inFlight = 0
    public var elapsed = 0.0
    public var promptTokens = 0, completionTokens = 0, requests = 0, cacheHits = 0
    public var cost: Double?
    public var failuresByKind: [String: Int] = [:]
    public var endpoints: [EndpointProgress] = []
    public init(phase: String) { self.phase = phase }
}
public enum ProgressStyle: Sendable { case live, plain, json, quiet
    public static func automatic(quiet: Bool, json: Bool, isTerminal: Bool) -> ProgressStyle { quiet ? .quiet : json ? .json : isTerminal ? .live : .plain } }
public struct ProgressReporter: Sendable {
    let style: ProgressStyle
    public init(style: ProgressStyle, plainInterval: Double) { self.style = style }
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
    public func run<T: Sendable>(snapshot: @escaping @Sendable () -> RunProgress, _ body: () async throws -> T) async throws -> T {
        try await body()
    }
}
