import ArgumentParser
import Foundation
import Logging
import Prefab

/// `--window N`: how many prompts a stage works on at once, the same word as the run config's
/// `window:` and `prefab sample --window`. `--concurrency`, its old name in `judge` and
/// `eval-judges`, still works and says it is deprecated.
struct WindowOption: ParsableArguments {
    @Option(help: "Prompts in flight at once.")
    var window: Int = 8

    @Option(help: ArgumentHelp("Deprecated: the old name of --window.", visibility: .hidden))
    var concurrency: Int?

    /// The window, whichever name gave it.
    var value: Int { concurrency ?? window }

    mutating func validate() throws {
        if concurrency != nil { printError("prefab: --concurrency is deprecated; use --window (the same meaning)") }
        if value < 1 { throw ValidationError("--window must be at least 1") }
    }
}

/// `--s3-addressing-style path|virtual`: how a command reading or writing `s3://` names the
/// bucket in its URLs, the same choice as `storage: {addressing_style}` in a config; it wins over
/// `PREFAB_S3_ADDRESSING_STYLE` and the AWS profile's `s3 = addressing_style`.
struct S3AddressingOption: ParsableArguments {
    @Option(
        name: .customLong("s3-addressing-style"),
        help: ArgumentHelp(
            "s3:// URLs: path (ENDPOINT/bucket/key) or virtual (bucket.ENDPOINT/key). Default: path with AWS_ENDPOINT_URL, else virtual.",
            valueName: "STYLE"))
    var addressingStyle: String?

    func validate() throws { _ = try storage() }

    /// The choice as a storage block; nil without the flag.
    func storage() throws -> StorageConfiguration? {
        guard addressingStyle != nil else { return nil }
        return try ObjectStorageOptions.check(StorageConfiguration.parse(sse: nil, sseKMSKeyID: nil, addressingStyle: addressingStyle))
    }
}

/// `--sse`, `--sse-kms-key-id` and `--s3-addressing-style`: how a command writing to `s3://`
/// stores its objects, the same choices as a run config's `storage:` block (one type,
/// `StorageConfiguration`, reads both).
struct ObjectStorageOptions: ParsableArguments {
    @Option(help: ArgumentHelp("s3:// output: server-side encryption, AES256 or aws:kms.", valueName: "MODE"))
    var sse: String?

    @Option(
        name: .customLong("sse-kms-key-id"),
        help: ArgumentHelp("With --sse aws:kms: the KMS key (id, ARN or alias). Default: the account's S3 key.", valueName: "KEY"))
    var sseKMSKeyID: String?

    @OptionGroup var addressing: S3AddressingOption

    func validate() throws { _ = try storage() }

    /// The flags given, over `configured` (a config's `storage:` block); nil when neither says anything.
    func storage(over configured: StorageConfiguration? = nil) throws -> StorageConfiguration? {
        let flags = try Self.check(StorageConfiguration.parse(sse: sse, sseKMSKeyID: sseKMSKeyID, addressingStyle: addressing.addressingStyle))
        guard let configured else { return flags == StorageConfiguration() ? nil : flags }
        return configured.overridden(by: flags)
    }

    /// `arguments` without these flags and their values (`--sse X` and `--sse=X` alike).
    static func withoutStorageFlags(_ arguments: [String]) -> [String] {
        let flags: Set<String> = ["--sse", "--sse-kms-key-id", "--s3-addressing-style"]
        var kept: [String] = []
        var skipValue = false
        for argument in arguments {
            if skipValue {
                skipValue = false
                continue
            }
            if flags.contains(argument) {
                skipValue = true
                continue
            }
            if let equals = argument.firstIndex(of: "="), flags.contains(String(argument[..<equals])) { continue }
            kept.append(argument)
        }
        return kept
    }

    static func check(_ parsed: Result<StorageConfiguration, StorageConfiguration.Problem>) throws -> StorageConfiguration {
        switch parsed {
        case .success(let storage): return storage
        case .failure(let problem): throw ValidationError(problem.message(flags: true))
        }
    }
}

/// `--cache PATH` and `--no-cache`: the response cache every command that calls a model shares.
struct CacheOptions: ParsableArguments {
    @Option(help: "The response cache (SQLite). Default: $PREFAB_HOME/cache.sqlite (PREFAB_HOME defaults to ./.prefab).")
    var cache: String?

    @Flag(help: "Call the endpoints without the response cache.")
    var noCache = false

    /// The cache at `--cache`, else at `fallback`, else at the default place; nil with `--no-cache`.
    func open(fallback: String? = nil) throws -> ResponseCache? {
        noCache ? nil : try ResponseCache.open(path: cache ?? fallback)
    }
}

/// The endpoints and rubrics `prefab judge` and `prefab eval-judges` rate with.
struct JudgeEndpointOptions: ParsableArguments {
    @Option(help: "A YAML file with an `endpoints:` list (a run config works). Default: `judge` is the local llama.cpp server.")
    var endpoints: String?

    @Option(help: "The rubrics directory. Default: the `rubrics/` beside or above the ensemble file.")
    var rubrics: String?

    @OptionGroup var cache: CacheOptions

    /// The endpoints file's list, or the local `judge` endpoint.
    func endpointList() throws -> [EndpointConfiguration] {
        try endpoints.map { try EndpointsFile.load(file: $0) } ?? EndpointsFile.defaultEndpoints
    }

    var rubricLibrary: RubricLibrary? { rubrics.map(RubricLibrary.init(directory:)) }
}

/// What one kind of `OpenAICompatibleEndpointOptions` is called and what it is for.
protocol EndpointFlagRole {
    /// The flags' prefix: `--PREFIX-url`, `--PREFIX-model`, `--PREFIX-api-key-env`.
    static var prefix: String { get }
    /// The endpoint's name in the `EndpointSet` (and in usage and error messages).
    static var endpointName: String { get }
    /// Help of `--PREFIX-url`.
    static var urlHelp: String { get }
    /// What the endpoint is, for `--PREFIX-api-key-env`'s help ("the embeddings endpoint").
    static var description: String { get }
}

/// `--PREFIX-url`, `--PREFIX-model` and `--PREFIX-api-key-env`: an OpenAI-compatible endpoint
/// given on the command line instead of in an endpoints file. One group per kind of endpoint
/// (`Role`), so that the embeddings and the cluster-agent endpoints of `prefab diversity` are
/// read, checked and built the one way, each under its own flags.
struct OpenAICompatibleEndpointOptions<Role: EndpointFlagRole>: ParsableArguments {
    @Option(name: .customLong(Role.prefix + "-url"), help: ArgumentHelp(Role.urlHelp))
    var url: String?

    @Option(name: .customLong(Role.prefix + "-model"), help: ArgumentHelp("Model id for --\(Role.prefix)-url."))
    var model: String?

    @Option(
        name: .customLong(Role.prefix + "-api-key-env"),
        help: ArgumentHelp("NAME of the environment variable holding the \(Role.description)'s API key."))
    var apiKeyEnv: String?

    /// The endpoint, named `Role.endpointName`; nil without `--PREFIX-url`. A URL needs a model.
    func endpoint() throws -> EndpointConfiguration? {
        guard let url else { return nil }
        guard let model, !model.isEmpty else {
            throw ValidationError("--\(Role.prefix)-url needs --\(Role.prefix)-model")
        }
        return EndpointConfiguration(
            name: Role.endpointName, provider: .openAICompatible, baseURL: url, model: model, apiKeyEnv: apiKeyEnv)
    }
}

/// `--quiet`, `--json-progress` and `--progress-interval`: how a long command shows its progress
/// on stderr. `run`, `judge`, `eval-judges`, `pairs`, `convert` and `diversity` share the flags
/// and the one display, so a person learns them once and a script parses one format.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "No progress output; only errors and the final summary.")
    var quiet = false

    @Flag(help: "Progress as one JSON object per line on stderr.")
    var jsonProgress = false

    @Option(help: "Seconds between progress lines when not on a terminal (default 10; 1 with --json-progress).")
    var progressInterval: Double?

    func validate() throws {
        if let progressInterval, progressInterval <= 0 { throw ValidationError("--progress-interval must be above 0") }
    }

    /// The display for `monitor` on stderr: redrawn in place on a terminal, a plain line every
    /// interval anywhere else (a log file, CI, a test's pipe), JSON lines, or nothing.
    func reporter(for monitor: RunMonitor) -> ProgressReporter {
        let style = ProgressStyle.automatic(quiet: quiet, json: jsonProgress, isTerminal: ProgressTerminal.isTerminal(STDERR_FILENO))
        let interval = style == .live ? nil : progressInterval.map { Duration.milliseconds(Int($0 * 1000)) }
        return ProgressReporter(style: style, interval: interval) { monitor.snapshot() }
    }

    /// Runs `body` while the display draws `monitor`, with swift-log's warnings printed through
    /// the display (above the live block, repeated ones folded into counts). Once per process:
    /// the logging system is bootstrapped here.
    func show<T>(_ monitor: RunMonitor, _ body: () async throws -> T) async throws -> T {
        let reporter = reporter(for: monitor)
        LoggingSystem.bootstrap { ProgressLogHandler(label: $0, reporter: reporter) }
        return try await reporter.showing(body)
    }
}

/// Runs `body`; when it ends because an endpoint refuses every call (a refused key, an unknown
/// model: `EndpointStop.stopping`), closes the cache, prints one line with the endpoint, the
/// status and the fix (`prefab COMMAND: stopped: …NOTE`), and exits with the status `prefab run`
/// uses for it, so every command that calls models says it the same way.
func stoppingOnUnusableEndpoint<T>(
    _ command: String, endpoints: [EndpointConfiguration], cache: ResponseCache?, note: String = "",
    _ body: () async throws -> T
) async throws -> T {
    do {
        return try await body()
    } catch {
        guard let stop = EndpointStop.stopping(error, endpoints: endpoints) else { throw error }
        try? await cache?.close()
        printError("prefab \(command): stopped: \(stop)\(note)")
        throw ExitCode(RunCommand.endpointStopStatus)
    }
}
