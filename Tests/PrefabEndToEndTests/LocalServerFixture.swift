import Foundation
import Prefab
import Testing

/// The real local llama.cpp server the end-to-end tests talk to, found (or started) once per test
/// process.
///
/// - running: used as it is;
/// - installed but not running: started here (and left running for the next test run;
///   `scripts/local stop` ends it; `scripts/test` stops it itself);
/// - not installed: every test that needs it is skipped with the reason, which is the one
///   `scripts/test` recorded in `$PREFAB_HOME/local/unavailable` when the install failed (e.g.
///   PyPI unreachable), else "not installed". Skipped tests say so in the output; they never pass.
///
/// A server that is installed but fails to start is a test failure, not a skip.
actor LocalServerFixture {
    static let shared = LocalServerFixture()

    /// The record of the server the current test uses (set by `LocalServerTrait`).
    @TaskLocal static var current: LocalServerState?

    enum Availability: Sendable {
        case available(LocalServerState)
        case unavailable(reason: String)
    }

    /// The repository root, from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The Prefab home as a run from the repository root resolves it (`PrefabHome`): `$PREFAB_HOME`
    /// when set, else the repository's `.prefab`, where `scripts/test` installs the server.
    static var home: URL {
        PrefabHome.resolve(currentDirectory: repositoryRoot.path).url
    }

    static var server: LocalServer {
        LocalServer(home: home, script: repositoryRoot.appendingPathComponent("scripts/local"))
    }

    /// The file `scripts/test` writes when it could not install the local model.
    static var unavailableReasonFile: URL { home.appendingPathComponent("local/unavailable") }

    private var resolved: Availability?

    /// Finds the server, starting it when it is installed. Throws when starting fails.
    func resolve() async throws -> Availability {
        if let resolved { return resolved }
        let server = Self.server
        let availability: Availability
        switch try await server.status() {
        case .running(let record):
            availability = .available(record)
        case .unhealthy, .stopped(installed: true):
            availability = .available(try await server.start())
        case .stopped(installed: false):
            let recorded = (try? String(contentsOf: Self.unavailableReasonFile, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let reason = recorded.flatMap { $0.isEmpty ? nil : $0 }
                ?? "the local model is not installed in \(server.home.path); run scripts/local install"
            availability = .unavailable(reason: "end-to-end test skipped: \(reason)")
        }
        resolved = availability
        return availability
    }

    /// An endpoint client for `provider: local`, resolved from the state file as a run would.
    static func client(name: String = "local") throws -> EndpointClient {
        let configuration = EndpointConfiguration(
            name: name, provider: .local,
            // Two cores shared with the build: answers can take a while.
            timeouts: Timeouts(connect: 10, request: 600),
            retry: RetryPolicy(maxAttempts: 2, initialDelay: 1, maxDelay: 2))
        return try EndpointClient(configuration: configuration, environment: ["PREFAB_HOME": home.path])
    }
}

/// Runs a suite or test against the real local server, or skips it with the reason the server is
/// unavailable.
struct LocalServerTrait: SuiteTrait, TestTrait, TestScoping {
    func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        if LocalServerFixture.current != nil {
            try await function()
            return
        }
        switch try await LocalServerFixture.shared.resolve() {
        case .available(let record):
            try await LocalServerFixture.$current.withValue(record) { try await function() }
        case .unavailable(let reason):
            try Test.cancel(Comment(rawValue: reason))
        }
    }
}

extension Trait where Self == LocalServerTrait {
    /// Needs the real local llama.cpp server; skipped, with the reason, when it is not installed.
    static var localServer: Self { Self() }
}
