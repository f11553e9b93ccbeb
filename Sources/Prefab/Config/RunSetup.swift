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
    /// The prompts: a JSONL file, JSONL.zst or MDS directory, absolute.
    public let prompts: PromptInputConfiguration
    /// The run's output directory, absolute.
    public let outputDirectory: String
    /// The judge ensemble file, absolute, with its decoded configuration and rubric library.
    public let judgesFile: String
    public let ensemble: EnsembleConfiguration
    public let rubrics: RubricLibrary
    /// The pairing stage (its options carry the run seed).
    public let pairing: PairStage
    /// The response cache file, absolute.
    public let cachePath: String
    /// What decides the run's records: sampling config, principle texts, endpoint identities
    /// and the ensemble file. The journal refuses to continue a run whose identity changed.
    public let identity: String

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
        prompts.path = document.resolve(path: prompts.path)
        guard FileManager.default.fileExists(atPath: prompts.path) else {
            let at = document.node(at: key("prompts", "path")) == nil ? key("prompts") : key("prompts", "path")
            throw document.error(at: at, "no such file or directory: \(prompts.path)")
        }
        self.prompts = prompts
        outputDirectory = document.resolve(path: configuration.sampling.output!)

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
        do {
            // Templates and rubric files load now, not at the first prompt.
            _ = try JudgeEnsemble(
                configuration: ensemble, clients: Self.unconnectedClients(ensemble), rewardModels: Self.unconnectedRewardModels(ensemble),
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

        cachePath = configuration.cache.map { document.resolve(path: $0) } ?? ResponseCache.defaultPath(environment: environment)
        identity = Self.identity(configuration, sampling: sampling, ensembleFile: judgesFile)
    }

    /// The journal for this run's output directory: beside the response cache, one database per
    /// output directory.
    public var journalPath: String {
        let directory = (cachePath as NSString).deletingLastPathComponent
        let name = (outputDirectory as NSString).lastPathComponent
        let tag = Digest.sha256Hex(Data(outputDirectory.utf8)).prefix(12)
        return "\(directory)/runs/\(name)-\(tag).sqlite"
    }

    static func identity(_ configuration: RunConfiguration, sampling: SamplingSetup, ensembleFile: String) -> String {
        struct Identity: Encodable {
            var seed: UInt64
            var pool: ModelPoolConfiguration
            var principles: PrinciplesConfiguration
            var systemPrompts: [String: String]
            var endpoints: [EndpointIdentity]
            var ensemble: String
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
        let ensembleBytes = (try? Data(contentsOf: URL(fileURLWithPath: ensembleFile))) ?? Data()
        let identity = Identity(
            seed: configuration.sampling.seed, pool: configuration.sampling.pool, principles: configuration.sampling.principles,
            systemPrompts: systemPrompts,
            endpoints: configuration.sampling.endpoints.map {
                EndpointIdentity(
                    name: $0.name, provider: $0.provider.rawValue, baseURL: $0.baseURL, model: $0.model, parameters: $0.parameters)
            },
            ensemble: Digest.sha256Hex(ensembleBytes))
        let data = (try? StageShards.encoder().encode(identity)) ?? Data()
        return Digest.sha256Hex(data)
    }

    private static func configError(_ error: JudgeSetupError, file: String) -> ConfigError {
        if case .config(let located) = error { return located }
        return ConfigError(file: file, message: error.description)
    }

    /// Clients that only let the ensemble load (validation never calls a model).
    private static func unconnectedClients(_ ensemble: EnsembleConfiguration) -> [String: any ChatClient] {
        var clients: [String: any ChatClient] = [:]
        for judge in ensemble.judges {
            if case .llm(let llm) = judge.kind { clients[llm.endpoint] = UnavailableEndpoint.checkingOnly(llm.endpoint) }
        }
        return clients
    }

    private static func unconnectedRewardModels(_ ensemble: EnsembleConfiguration) -> [String: any RewardModelClient] {
        var clients: [String: any RewardModelClient] = [:]
        for judge in ensemble.judges {
            if case .rewardModel(let scorer) = judge.kind { clients[scorer.endpoint] = UnavailableEndpoint.checkingOnly(scorer.endpoint) }
        }
        return clients
    }
}
