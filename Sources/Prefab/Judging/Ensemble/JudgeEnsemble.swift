import Foundation

/// A judge ensemble ready to rate: its file's judges bound to endpoint clients, rubrics and
/// templates loaded, and the aggregation set up. Everything is checked when it is built, so a
/// typo never costs a request.
///
/// ```swift
/// let ensemble = try JudgeEnsemble.load(file: "judges/ultrafeedback.yaml", endpoints: config.endpoints, cache: cache, seed: runSeed)
/// let rated = try await ensemble.rate(sample)   // a SampleRecord
/// ```
public struct JudgeEnsemble: Sendable {
    public let configuration: EnsembleConfiguration
    package let aggregator: EnsembleAggregator
    /// Where the ensemble was read from ("" when built in code).
    public let file: String
    /// Every file that shapes the ensemble's requests: the ensemble file, the rubric files and
    /// the templates, absolute. A run's identity hashes them, so editing one is noticed.
    package let sourceFiles: [String]
    let judges: [any PromptJudge]

    /// Builds an ensemble from its configuration and the clients its judges name.
    ///
    /// - Parameters:
    ///   - clients: chat clients by endpoint name (LLM judges).
    ///   - rewardModels: reward-model clients by endpoint name (`reward_model` scorers).
    ///   - rubrics: where rubric files and templates are read.
    ///   - seed: the run seed (shuffles and pair orders derive from it and the prompt id).
    ///   - baseDirectory: what template paths in the file are relative to.
    public init(
        configuration: EnsembleConfiguration, clients: [String: any ChatClient], rewardModels: [String: any RewardModelClient] = [:],
        rubrics: RubricLibrary, seed: UInt64 = 0, file: String = "", baseDirectory: String? = nil
    ) throws(JudgeSetupError) {
        self.configuration = configuration
        self.file = file
        let base = baseDirectory ?? (file.isEmpty ? FileManager.default.currentDirectoryPath : (file as NSString).deletingLastPathComponent)
        var judges: [any PromptJudge] = []
        var scales: [String: RatingScale] = [:]
        var critiqueAspects: Set<String> = []
        var loaded: [String: Rubric] = [:]
        var sources: Set<String> = file.isEmpty ? [] : [file]
        for judge in configuration.judges {
            switch judge.kind {
            case .llm(let llm):
                guard let client = clients[llm.endpoint] else {
                    throw .unknownEndpoint(judge: judge.name, endpoint: llm.endpoint, known: clients.keys.sorted())
                }
                var rubricsUsed: [Rubric] = []
                var templates: [String: JudgeTemplate] = [:]
                for name in llm.rubrics {
                    let rubric: Rubric
                    if let known = loaded[name] { rubric = known } else { rubric = try rubrics.rubric(named: name) }
                    loaded[name] = rubric
                    sources.insert((rubrics.directory as NSString).appendingPathComponent(name + ".yaml"))
                    rubricsUsed.append(rubric)
                    scales[rubric.name] = rubric.scale.ratingScale
                    if rubric.kind == .critique { critiqueAspects.insert(rubric.name) }
                    let templateName = llm.template ?? Self.defaultTemplate(mode: llm.mode, kind: rubric.kind)
                    templates[rubric.name] = try rubrics.template(templateName, relativeTo: base)
                    sources.insert(templates[rubric.name]!.path)
                }
                let system = llm.systemTemplate == "none" ? nil : try rubrics.template(llm.systemTemplate, relativeTo: base)
                if let system { sources.insert(system.path) }
                judges.append(LLMJudge(
                    name: judge.name, configuration: llm, rubrics: rubricsUsed, templates: templates, systemTemplate: system,
                    client: client, runSeed: seed))
            case .length(let scorer):
                judges.append(LengthScorer(name: judge.name, configuration: scorer))
            case .refusal(let scorer):
                judges.append(RefusalScorer(name: judge.name, configuration: scorer))
            case .format(let scorer):
                judges.append(FormatScorer(name: judge.name, configuration: scorer))
            case .reference(let scorer):
                judges.append(ReferenceScorer(name: judge.name, configuration: scorer))
            case .rewardModel(let scorer):
                guard let client = rewardModels[scorer.clientKey] else {
                    throw .unknownEndpoint(judge: judge.name, endpoint: scorer.endpoint, known: rewardModels.keys.sorted())
                }
                judges.append(RewardModelScorer(name: judge.name, configuration: scorer, client: client))
            }
        }
        self.judges = judges
        sourceFiles = sources.map { URL(fileURLWithPath: $0).standardizedFileURL.path }.sorted()
        aggregator = EnsembleAggregator(
            configuration: configuration.aggregation,
            judgeWeights: Dictionary(uniqueKeysWithValues: configuration.judges.map { ($0.name, $0.weight) }),
            scales: scales, critiqueAspects: critiqueAspects, ratedAspects: EnsembleAggregator.ratedAspects(of: configuration))
    }

    /// The template a judge uses when its file names none (`rubrics/README.md`).
    static func defaultTemplate(mode: JudgeMode, kind: Rubric.Kind) -> String {
        switch (mode, kind) {
        case (.pairwise, _): "pairwise"
        case (_, .critique): "critique"
        case (.multi, .aspect): "multi"
        case (.single, .aspect): "single"
        }
    }

    /// Loads an ensemble file and checks it against the rubrics and the clients.
    public static func load(
        file: String, clients: [String: any ChatClient], rewardModels: [String: any RewardModelClient] = [:],
        rubrics: RubricLibrary? = nil, seed: UInt64 = 0
    ) throws(JudgeSetupError) -> JudgeEnsemble {
        let document: ConfigDocument
        let configuration: EnsembleConfiguration
        do {
            document = try ConfigDocument(contentsOf: file)
            configuration = try document.decode(EnsembleConfiguration.self)
        } catch {
            throw .config(error)
        }
        guard let library = rubrics ?? RubricLibrary.find(from: file) else { throw .rubricsNotFound(from: file) }
        try check(configuration, in: document, library: library)
        return try JudgeEnsemble(
            configuration: configuration, clients: clients, rewardModels: rewardModels, rubrics: library, seed: seed,
            file: file)
    }

    /// Loads an ensemble file and makes its clients from `endpoints`: chat clients (answered
    /// from the set's cache) for LLM judges, reward-model clients for `reward_model` scorers.
    public static func load(
        file: String, endpoints: EndpointSet, rubrics: RubricLibrary? = nil, seed: UInt64 = 0
    ) throws(JudgeSetupError) -> JudgeEnsemble {
        let configuration: EnsembleConfiguration
        do {
            configuration = try ConfigDocument(contentsOf: file).decode(EnsembleConfiguration.self)
        } catch {
            throw .config(error)
        }
        let clients = try clients(for: configuration, from: endpoints)
        return try load(file: file, clients: clients.chat, rewardModels: clients.rewardModels, rubrics: rubrics, seed: seed)
    }

    /// The clients `configuration`'s judges name, made by `endpoints`: chat clients for LLM
    /// judges, reward-model clients for `reward_model` scorers.
    static func clients(
        for configuration: EnsembleConfiguration, from endpoints: EndpointSet
    ) throws(JudgeSetupError) -> (chat: [String: any ChatClient], rewardModels: [String: any RewardModelClient]) {
        var chat: [String: any ChatClient] = [:]
        var rewardModels: [String: any RewardModelClient] = [:]
        for judge in configuration.judges {
            do {
                switch judge.kind {
                case .llm(let llm) where chat[llm.endpoint] == nil:
                    chat[llm.endpoint] = try endpoints.chatClient(llm.endpoint)
                case .rewardModel(let scorer):
                    rewardModels[scorer.clientKey] = try endpoints.rewardModelClient(scorer.endpoint, path: scorer.path)
                default:
                    continue
                }
            } catch {
                throw JudgeSetupError(judge: judge, endpointError: error)
            }
        }
        return (chat, rewardModels)
    }

    /// Clients for every endpoint `configuration`'s judges name that refuse every call: what an
    /// ensemble loads with when it must not spend a request (checking a config, re-aggregating
    /// stored votes).
    static func checkingOnlyClients(
        for configuration: EnsembleConfiguration
    ) -> (chat: [String: any ChatClient], rewardModels: [String: any RewardModelClient]) {
        var chat: [String: any ChatClient] = [:]
        var rewardModels: [String: any RewardModelClient] = [:]
        for judge in configuration.judges {
            switch judge.kind {
            case .llm(let llm): chat[llm.endpoint] = UnavailableEndpoint.checkingOnly(llm.endpoint)
            case .rewardModel(let scorer): rewardModels[scorer.clientKey] = UnavailableEndpoint.checkingOnly(scorer.endpoint)
            default: continue
            }
        }
        return (chat, rewardModels)
    }

    /// Checks names across the file: rubric files exist, aggregation keys name aspects the
    /// ensemble rates, the overall score has something to come from.
    static func check(_ configuration: EnsembleConfiguration, in document: ConfigDocument, library: RubricLibrary) throws(JudgeSetupError) {
        func key(_ parts: Any...) -> [ConfigKey] {
            parts.map { part in (part as? Int).map(ConfigKey.init(intValue:)) ?? ConfigKey(stringValue: "\(part)") }
        }
        var aspects: Set<String> = []
        var critique = false
        var pairwise = false
        for (index, judge) in configuration.judges.enumerated() {
            if let aspect = judge.scorerAspect { aspects.insert(aspect) }
            guard case .llm(let llm) = judge.kind else { continue }
            if llm.mode == .pairwise { pairwise = true }
            for (position, name) in llm.rubrics.enumerated() {
                let rubric: Rubric
                do {
                    rubric = try library.rubric(named: name)
                } catch .missingRubric {
                    throw .config(document.error(
                        at: key("judges", index, "rubrics", position), "unknown rubric '\(name)': no \(name).yaml in \(library.directory)"))
                }
                if llm.mode != .pairwise {
                    if rubric.kind == .critique { critique = true } else { aspects.insert(name) }
                }
            }
        }
        let aggregation = configuration.aggregation
        let known = aspects.sorted().joined(separator: ", ")
        for aspect in aggregation.aspects.keys.sorted() where !aspects.contains(aspect) {
            throw .config(document.error(at: key("aggregation", "aspects", aspect), "no judge rates the aspect '\(aspect)'; rated aspects: \(known)"))
        }
        for aspect in (aggregation.aspectWeights ?? [:]).keys.sorted() where !aspects.contains(aspect) {
            throw .config(document.error(at: key("aggregation", "aspect_weights", aspect), "no judge rates the aspect '\(aspect)'; rated aspects: \(known)"))
        }
        for (index, aspect) in aggregation.require.enumerated() where !aspects.contains(aspect) {
            throw .config(document.error(at: key("aggregation", "require", index), "no judge rates the aspect '\(aspect)'; rated aspects: \(known)"))
        }
        if aggregation.overall == .critique, !critique {
            throw .config(document.error(at: key("aggregation", "overall"), "overall: critique needs a judge with a kind: critique rubric (e.g. overall) in multi or single mode"))
        }
        if aggregation.overall == .winRate, !pairwise {
            throw .config(document.error(at: key("aggregation", "overall"), "overall: win_rate needs a judge in pairwise mode"))
        }
    }

    /// The judges' names, in file order.
    public var judgeNames: [String] { configuration.judges.map(\.name) }

    /// Rates one prompt's completions: every judge at once, then the votes aggregated and the
    /// agreement figures computed. Parse failures are recorded on the votes; a call that fails
    /// after the endpoint layer's retries throws (`JudgeError`) so the prompt can be retried.
    public func rate(_ input: SampleRecord) async throws -> RatedRecord {
        let outcomes = try await withThrowingTaskGroup(of: (Int, JudgeOutcome).self) { group in
            for (index, judge) in judges.enumerated() {
                group.addTask { (index, try await judge.judge(input)) }
            }
            var outcomes: [JudgeOutcome?] = Array(repeating: nil, count: judges.count)
            for try await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.map { $0! }
        }
        var completions = input.completions.map { completion in
            RatedCompletion(
                model: completion.model, principle: completion.principle, customSystemPrompt: completion.customSystemPrompt,
                response: completion.response, finishReason: completion.finishReason, sampleIndex: completion.sampleIndex,
                usage: completion.usage.reported, flags: completion.flags.map(\.rawValue))
        }
        var accumulator = ReliabilityAccumulator()
        for (judge, outcome) in zip(judges, outcomes) {
            accumulator.register(judge: judge.name)
            for (index, votes) in outcome.votes.enumerated() { completions[index].votes.append(contentsOf: votes) }
            for (index, score) in outcome.scores { completions[index].scores[judge.name] = score }
            for call in outcome.calls { accumulator.addCall(judge: judge.name, usage: call.usage, cached: call.cached) }
        }
        completions = aggregator.aggregate(completions)
        accumulator.addVotes(of: completions)
        return RatedRecord(
            source: input.source, instruction: input.instruction, models: input.completions.map(\.model), completions: completions,
            promptID: input.promptID, messages: input.messages, reference: input.reference, ensemble: configuration.name,
            agreement: accumulator.figures)
    }
}
