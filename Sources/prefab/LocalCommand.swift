import ArgumentParser
import Foundation
import Prefab

/// `prefab local install|start|stop|status`: the offline local model (llama.cpp's llama-server
/// with SmolLM2-135M-Instruct) that `provider: local` endpoints talk to.
struct LocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Install, start, stop or inspect the offline local model server (llama.cpp + SmolLM2).",
        discussion: """
            State lives under --home (default: $PREFAB_HOME, else .prefab in the current \
            directory): the venv, the model, and local/server.json, which `provider: local` \
            endpoints read to find the server. install, start and stop run the local-server \
            script installed with prefab (share/prefab/libexec/local) or the checkout's scripts/local.
            """,
        subcommands: [Install.self, Start.self, Stop.self, Status.self, Model.self, Home.self]
    )

    struct HomeOption: ParsableArguments {
        @Option(help: "State directory (default: $PREFAB_HOME, else ./.prefab).")
        var home: String?

        var server: LocalServer {
            LocalServer(home: home.map { URL(fileURLWithPath: $0, isDirectory: true) })
        }
    }

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install llama-server and the SmolLM2 model (idempotent; the first build takes about 9 minutes on 2 cores).")

        @OptionGroup var options: HomeOption

        func run() async throws {
            try await LocalCommand.report { try await options.server.install() }
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the server (or reuse the running one, whatever its settings) and print its base URL.")

        @OptionGroup var options: HomeOption

        @Option(help: "Port on 127.0.0.1 (default: a free one).")
        var port: Int?

        @Option(help: "Parallel slots: requests decoded together, and the largest n per request (default: max(4, cores), at most 16).")
        var slots: Int?

        @Option(help: "CPU threads (default: cores - 1, at least 1, at most 8).")
        var threads: Int?

        @Option(help: "Context tokens per slot (default: the context the model was trained for, 8192 for SmolLM2).")
        var contextPerSlot: Int?

        @Flag(inversion: .prefixedNo, help: "Also serve /v1/embeddings from the same server.")
        var embeddings = true

        @Option(help: "Seconds to wait for the server to become healthy (default: 180).")
        var timeout: Int?

        @Flag(help: "Install what is missing first.")
        var install = false

        func run() async throws {
            let server = options.server
            let settings = LocalServerOptions(
                port: port, slots: slots, threads: threads, contextPerSlot: contextPerSlot,
                embeddings: embeddings, startTimeout: timeout)
            let record = try await LocalCommand.report {
                if install { try await server.install() }
                return try await server.start(settings)
            }
            print(record.baseURL)
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the server this state directory started.")

        @OptionGroup var options: HomeOption

        func run() async throws {
            try await LocalCommand.report { try await options.server.stop() }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say whether the server runs, its URL and model (exit status 3 when it does not run).")

        @OptionGroup var options: HomeOption

        @Flag(help: "Print the state file's record as JSON (nothing when not running).")
        var json = false

        func run() async throws {
            let server = options.server
            let status = try await LocalCommand.report { try await server.status() }
            switch status {
            case .running(let record):
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    print(String(decoding: try encoder.encode(record), as: UTF8.self))
                } else {
                    print("running: \(record.baseURL) model \(record.model) pid \(record.pid) since \(record.startedAt ?? "?")")
                    print("log: \(record.log ?? "?")")
                }
            case .unhealthy(let record):
                if !json {
                    print("not answering: pid \(record.pid) runs but \(record.baseURL.replacingOccurrences(of: "/v1", with: ""))/health does not answer (log: \(record.log ?? "?"))")
                }
                throw ExitCode(3)
            case .stopped(let installed):
                if !json {
                    print("not running")
                    print(installed ? "installed: \(server.home.path)" : "not installed (run: prefab local install)")
                }
                throw ExitCode(3)
            }
        }
    }

    /// `prefab local model`: the model alias and file name, defined once in `LocalServer`, for the
    /// local-server script when it runs on its own (Prefab passes them in its environment otherwise).
    struct Model: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the local model's alias and file name (the local-server script reads them here).")

        enum Field: String, ExpressibleByArgument, CaseIterable {
            case alias, file
        }

        @Option(help: "Print only this field's value: alias or file.")
        var field: Field?

        func run() {
            switch field {
            case .alias: print(LocalServer.modelAlias)
            case .file: print(LocalServer.modelFileName)
            case nil:
                print("alias: \(LocalServer.modelAlias)")
                print("file: \(LocalServer.modelFileName)")
            }
        }
    }

    /// `prefab local home`: the Prefab home as `PrefabHome` resolves it, so the scripts follow the
    /// one rule instead of restating it.
    struct Home: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the Prefab home: $PREFAB_HOME (relative to the current directory), else ./.prefab.")

        func run() {
            print(PrefabHome.resolve().path)
        }
    }

    /// Runs `body`, turning a `LocalServerError` into its message on stderr and exit status 1 (75
    /// when the package registry was unreachable, as the script reports it).
    static func report<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as LocalServerError {
            FileHandle.standardError.write(Data("prefab local: \(error)\n".utf8))
            if case .registryUnreachable = error { throw ExitCode(75) }
            throw ExitCode.failure
        }
    }
}
