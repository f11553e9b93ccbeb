import Foundation
import PrefabShards

/// A run config read, checked and resolved: every path made absolute, every file found, every
/// name matched, the judge ensemble loaded and the pairing choices parsed. Making one calls no
/// model and needs no server, so `prefab validate` and `prefab run --dry-run` use it as it is,
/// and every mistake is reported, with its file and line, before anything is paid for.
public struct RunSetup: Sendable {
    /// The config file, as named.
    public let file: String
    public let configuration: RunConfiguration
    public let sampling: SamplingSetup
    /// The prompts: a JSONL file, JSONL.zst or MDS directory, absolute; or an `s3://` object or
    /// prefix until `localizeRemoteInputs()` brings it to local disk.
    public internal(set) var prompts: PromptInputConfiguration
    /// The run's output directory, absolute. With an `s3://` output, the local directory the
    /// run builds its dataset in before publishing it there.
    public let outputDirectory: String
    /// The `s3://` location the dataset is published to, when `output:` names one.
    public let outputLocation: String?
    /// The judge ensemble file, absolute, with its decoded configuration and rubric library.
    public let judgesFile: String
    public let ensemble: EnsembleConfiguration
    public let rubrics: RubricLibrary
    /// The pairing stage (its options carry the run seed).
    public let pairing: PairStage
    /// The response cache file, absolute (a partition's own file for a partitioned run).
    public internal(set) var cachePath: String
    /// The part of the run this process makes; nil for the whole run (`partitioned(_:)`).
    public internal(set) var partition: RunPartition?
    /// `journal:` or `--journal`, absolute; nil for the default place.
    public internal(set) var journalSetting: String?
    /// The `hygiene:` block with its evaluation paths made absolute; nil without one.
    public let hygiene: HygieneConfiguration?
    /// What decides the run's records, as one digest of `identityParts`. The journal refuses to
    /// continue a run whose identity changed.
    public let identity: String
    /// The digest of each thing that shapes a request: `sampling settings` (seed, pool,
    /// principles and their system prompts, endpoint identities) and every file the judge
    /// ensemble reads (the ensemble file, its rubric files and templates), by path. When a
    /// resumed run's identity changed, the journal names the parts that differ.
    public let identityParts: [String: String]
    /// The config as written, with credentials replaced (`ConfigRedaction`): what the dataset
    /// card shows, since a card is made to be shared.
    package let redactedConfig: String

    /// Reads and checks the run config at `file`.
    public static func load(
        file: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> RunSetup {
        let document = try ConfigDocument(contentsOf: file)
        let configuration = try document.decode(RunConfiguration.self)
        return try RunSetup(file: file, document: document, configuration: configuration, environment: environment)
    }

    init(
        file: String, document: ConfigDocument, configuration: RunConfiguration, environment: [String: String]
    ) throws(ConfigError) {
        func key(_ parts: Any...) -> [ConfigKey] {
            parts.map { part in (part as? Int).map(ConfigKey.init(intValue:)) ?? ConfigKey(stringValue: "\(part)") }
        }
        self.file = file
        self.configuration = configuration
        sampling = try SamplingSetup.resolve(configuration.sampling, in: document)

        // Prompts and output.
        var prompts = configuration.sampling.prompts!
        let promptsAt = document.node(at: key("prompts", "path")) == nil ? key("prompts") : key("prompts", "path")
        if let problem = RemoteInput.problem(prompts.path) {
            throw document.error(at: promptsAt, problem)
        }
        if !RemoteInput.isRemote(prompts.path) {
            prompts.path = document.resolve(path: prompts.path)
            guard FileManager.default.fileExists(atPath: prompts.path) else {
                throw document.error(at: promptsAt, "no such file or directory: \(prompts.path)")
            }
        }
        self.prompts = prompts
        let output = configuration.sampling.output!
        if let problem = RemoteInput.problem(output) {
            throw document.error(at: key("output"), problem)
        }
        if RemoteInput.isRemote(output) {
            // Object storage has no directories to build in: the dataset is made locally, beside
            // the journal, and published when the session ends.
            outputLocation = output
            let cache = configuration.cache.map { document.resolve(path: $0) } ?? ResponseCache.defaultPath(environment: environment)
            outputDirectory = RemoteInput.stagingDirectory(for: output, cachePath: cache)
        } else {
            outputLocation = nil
            outputDirectory = document.resolve(path: output)
        }

        // The judge ensemble: its own file's errors carry that file's lines; its endpoint
        // names must be this config's endpoints.
        judgesFile = document.resolve(path: configuration.judges)
        guard FileManager.default.fileExists(atPath: judgesFile) else {
            throw document.error(at: key("judges"), "no such file: \(judgesFile)")
        }
        let ensembleDocument = try ConfigDocument(contentsOf: judgesFile)
        ensemble = try ensembleDocument.decode(EnsembleConfiguration.self)
        guard let library = RubricLibrary.find(from: judgesFile) else {
            throw document.error(
                at: key("judges"), "cannot find the rubrics/ directory beside \(judgesFile), above it, or with prefab's installed data (scripts/install)")
        }
        rubrics = library
        do {
            try JudgeEnsemble.check(ensemble, in: ensembleDocument, library: library)
        } catch {
            throw Self.configError(error, file: judgesFile)
        }
        let endpointNames = Set(configuration.sampling.endpoints.map(\.name))
        let known = endpointNames.sorted().joined(separator: ", ")
        for (index, judge) in ensemble.judges.enumerated() {
            guard let name = judge.endpoint, !endpointNames.contains(name) else { continue }
            throw ensembleDocument.error(
                at: key("judges", index, "endpoint"),
                "judge '\(judge.name)' names endpoint '\(name)', which \(file) does not define; its endpoints: \(known)")
        }
        let loaded: JudgeEnsemble
        do {
            // Templates and rubric files load now, not at the first prompt.
            loaded = try JudgeEnsemble(
                configuration: ensemble, clients: JudgeEnsemble.checkingOnlyClients(for: ensemble).chat,
                rewardModels: JudgeEnsemble.checkingOnlyClients(for: ensemble).rewardModels,
                rubrics: library, seed: configuration.sampling.seed, file: judgesFile)
        } catch {
            throw Self.configError(error, file: judgesFile)
        }

        switch configuration.pairing.resolve(seed: configuration.sampling.seed) {
        case .success(let pairing): self.pairing = pairing
        case .failure(let problem): throw document.error(at: key("pairing", problem.key), problem.message)
        }
        if let diversity = configuration.diversity, let problem = diversity.check(endpoints: configuration.sampling.endpoints) {
            throw document.error(at: key("diversity") + problem.path, problem.message)
        }

        if var hygiene = configuration.hygiene {
            if let dedup = hygiene.dedup, let problem = dedup.problem {
                throw document.error(at: key("hygiene", "dedup", problem.key.rawValue), problem.message)
            }
            for (index, source) in hygiene.decontaminate.enumerated() {
                let path = document.resolve(path: source.path)
                guard FileManager.default.fileExists(atPath: path) else {
                    let at = document.node(at: key("hygiene", "decontaminate", index, "path")) == nil
                        ? key("hygiene", "decontaminate", index) : key("hygiene", "decontaminate", index, "path")
                    throw document.error(at: at, "no such evaluation set: \(path)")
                }
                hygiene.decontaminate[index].path = path
            }
            self.hygiene = hygiene
        } else {
            hygiene = nil
        }

        cachePath = configuration.cache.map { document.resolve(path: $0) } ?? ResponseCache.defaultPath(environment: environment)
        journalSetting = configuration.journal.map { document.resolve(path: $0) }
        let base = (URL(fileURLWithPath: file).standardizedFileURL.path as NSString).deletingLastPathComponent
        var parts = Self.identityParts(configuration, sampling: sampling, files: loaded.sourceFiles, relativeTo: base)
        if let hygiene { parts.merge(Self.hygieneParts(hygiene, relativeTo: base)) { $1 } }
        identityParts = parts
        identity = Self.digest(identityParts)
        redactedConfig = ConfigRedaction.yaml(document)
    }

    /// The journal for this run's output directory: beside the response cache, one database per
    /// output directory and partition; or the `journal:` setting (`RunSetup+Partition`).
    public var journalPath: String {
        if let journalSetting { return Self.journalPath(setting: journalSetting, defaultName: defaultJournalName, partition: partition) }
        let directory = (cachePath as NSString).deletingLastPathComponent
        return "\(directory)/runs/\(defaultJournalName)"
    }

    /// The name under which the sampling settings enter `identityParts`.
    static let samplingPart = "sampling settings"

    static func identityParts(
        _ configuration: RunConfiguration, sampling: SamplingSetup, files: [String], relativeTo base: String
    ) -> [String: String] {
        struct Identity: Encodable {
            var seed: UInt64
            var pool: ModelPoolConfiguration
            var principles: PrinciplesConfiguration
            var systemPrompts: [String: String]
            var endpoints: [EndpointIdentity]
        }
        struct EndpointIdentity: Encodable {
            var name: String
            var provider: String
            var baseURL: String?
            var model: String?
            var parameters: GenerationParameters
        }
        var systemPrompts: [String: String] = [:]
        for name in sampling.principles.names { systemPrompts[name] = sampling.principles[name]?.systemPrompts.joined(separator: "\n\u{1F}") }
        let identity = Identity(
            seed: configuration.sampling.seed, pool: configuration.sampling.pool, principles: configuration.sampling.principles,
            systemPrompts: systemPrompts,
            endpoints: configuration.sampling.endpoints.map {
                EndpointIdentity(
                    name: $0.name, provider: $0.provider.rawValue, baseURL: $0.baseURL, model: $0.model, parameters: $0.parameters)
            })
        var parts = [samplingPart: Digest.sha256Hex((try? StageShards.encoder().encode(identity)) ?? Data())]
        let prefix = base.hasSuffix("/") ? base : base + "/"
        for path in files {
            let name = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
            // A file that cannot be read now was read a moment ago by the ensemble: its digest
            // is then that of nothing, which no real file has, so a later run notices.
            parts[name] = Digest.sha256Hex((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data())
        }
        return parts
    }

    /// The name under which the hygiene settings enter `identityParts`.
    static let hygienePart = "hygiene settings"

    /// Hygiene decides which prompts are sampled, so its settings and the content of every
    /// evaluation set (by SHA-256) are part of the identity: a changed evaluation file makes the
    /// journal refuse to continue, naming it. Absent without a `hygiene:` block, so runs without
    /// one keep the identity they had.
    static func hygieneParts(_ hygiene: HygieneConfiguration, relativeTo base: String) -> [String: String] {
        let prefix = base.hasSuffix("/") ? base : base + "/"
        func relative(_ path: String) -> String { path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path }
        var settings = hygiene
        for index in settings.decontaminate.indices { settings.decontaminate[index].path = relative(settings.decontaminate[index].path) }
        var parts = [hygienePart: Digest.sha256Hex((try? StageShards.encoder().encode(settings)) ?? Data())]
        for source in hygiene.decontaminate {
            parts["evaluation set " + relative(source.path)] = ContaminationIndex.sha256(source.path)
        }
        return parts
    }

    /// One digest for the parts: sorted keys, so the same parts always give the same identity.
    static func digest(_ parts: [String: String]) -> String {
        Digest.sha256Hex((try? StageShards.encoder().encode(parts)) ?? Data())
    }

    private static func configError(_ error: JudgeSetupError, file: String) -> ConfigError {
        if case .config(let located) = error { return located }
        return ConfigError(file: file, message: error.description)
    }
}
