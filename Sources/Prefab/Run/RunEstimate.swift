import Foundation

/// What `prefab run --dry-run` prints: the calls a run will make and an estimate of their tokens
/// and cost, per endpoint, counting only prompts the journal does not already have. Sampling
/// requests are built exactly as the run builds them, so those the response cache already
/// answers are counted as free. Where every answer of a prompt is cached, its judges run over
/// the cache (`CacheProbe`), so their cached calls are counted too; otherwise judge calls depend
/// on answers not yet given and are estimated from the rubrics and modes. Reward-model scorers
/// are counted one call per answer, and judge retries as a ceiling (`assumptions` says so).
///
/// Prompt tokens are estimated from text length (about four characters a token); completion
/// tokens assume every answer runs to its `max_tokens`, so figures are ceilings, not forecasts.
package struct RunEstimate: Codable, Hashable, Sendable {
    package struct EndpointEstimate: Codable, Hashable, Sendable {
        package var endpoint: String
        package var calls = 0
        /// Of `calls`, those the response cache already answers (checked for sampling calls).
        package var cachedCalls = 0
        package var promptTokens = 0
        package var completionTokens = 0
        /// Nil without a price table.
        package var cost: Double?
        /// At most this many more calls if every uncached judge answer needed all its retries.
        package var retryCeiling = 0

        enum CodingKeys: String, CodingKey {
            case endpoint, calls
            case retryCeiling = "retry_ceiling"
            case cachedCalls = "cached_calls"
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case cost
        }
    }

    package var prompts = 0
    /// Prompts already finished by earlier sessions (the journal's).
    package var finished = 0
    package var endpoints: [EndpointEstimate] = []
    package var notes: [String] = []
    /// What prompt hygiene removes before sampling (counted here, before any call); `prompts`
    /// counts the kept ones.
    package var hygiene: HygieneCounts?
    /// Hygiene's report in words: counts by reason and a few examples of each.
    package var hygieneLines: [String] = []
    /// How the figures were made, in words, for the user to weigh them.
    package var assumptions: [String] = []

    /// Completion tokens assumed when neither the pool model nor the endpoint sets `max_tokens`.
    package static let assumedMaxTokens = 512

    /// Estimates `setup`'s run without calling any model.
    package static func make(
        setup: RunSetup, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(RunError) -> RunEstimate {
        var estimate = RunEstimate()
        let endpoints = setup.configuration.sampling.endpoints
        let byName = Dictionary(uniqueKeysWithValues: endpoints.map { ($0.name, $0) })
        var figures = Dictionary(uniqueKeysWithValues: endpoints.map { ($0.name, EndpointEstimate(endpoint: $0.name)) })

        let finished = try RunJournal.finishedOrdinals(path: setup.journalPath, identity: setup.identity)
        if finished == nil, FileManager.default.fileExists(atPath: setup.journalPath) {
            estimate.notes.append("the journal was started with another config: `prefab run --fresh` would start over")
        }

        // Identities for cache lookups; an endpoint whose client cannot be made (no API key,
        // local server not started) is estimated without them.
        let cache = FileManager.default.fileExists(atPath: setup.cachePath) ? try? ResponseCache(path: setup.cachePath) : nil
        var unconnected: [String: any ChatClient] = [:]
        for endpoint in endpoints { unconnected[endpoint.name] = UnavailableEndpoint.checkingOnly(endpoint.name) }
        var identities: [String: ModelIdentity] = [:]
        do {
            let found = try EndpointSet(endpoints, environment: environment).identities()
            identities = found.identities
            for endpoint in endpoints {
                if let reason = found.unavailable[endpoint.name] {
                    estimate.notes.append("endpoint '\(endpoint.name)': cache not checked (\(reason))")
                }
            }
        } catch {
            throw .endpoint("\(error)")
        }
        let sampler: Sampler
        do {
            sampler = try Sampler(setup: setup.sampling, clients: unconnected)
        } catch {
            throw .endpoint("\(error)")
        }

        var removed: Set<Int> = []
        if let configuration = setup.hygiene {
            do {
                let report = try PromptHygiene.scan(setup.prompts, configuration: configuration).report
                estimate.hygiene = report.counts
                estimate.hygieneLines = report.summaryLines()
                removed = Set(report.removals.map { $0.ordinal - 1 })
            } catch {
                throw .hygiene(error)
            }
        }
        let reader: KeptPrompts
        do {
            reader = KeptPrompts(try PromptReader(setup.prompts), removed: removed, partition: setup.partition)
        } catch {
            throw .input(error)
        }
        let judgeOverhead = judgeOverheadTokens(setup)
        // The real sampler and judges over the cache alone (reward models are left out of the
        // probe and counted as uncached below, a request per answer or per batch).
        let probe = CacheProbe()
        var probing: (sampler: Sampler, ensemble: JudgeEnsemble)?
        if let cache, identities.count == endpoints.count {
            var llmOnly = setup.ensemble
            llmOnly.judges.removeAll { if case .rewardModel = $0.kind { true } else { false } }
            let clients = probe.clients(identities, cache: cache)
            if let sampler = try? Sampler(setup: setup.sampling, clients: clients),
               let ensemble = try? JudgeEnsemble(
                   configuration: llmOnly, clients: clients, rubrics: setup.rubrics, seed: setup.configuration.sampling.seed,
                   file: setup.judgesFile)
            {
                probing = (sampler, ensemble)
            }
        }
        var probedPrompts = 0
        var ordinal = 0
        while true {
            let next: PromptRecord?
            next = try reader.next(or: RunError.input)
            guard let prompt = next else { break }
            defer { ordinal += 1 }
            estimate.prompts += 1
            if finished?.contains(ordinal) == true {
                estimate.finished += 1
                continue
            }
            let promptTokens = tokens(prompt.messages.map(\.content).joined()) + 4 * prompt.messages.count
            var completionBudget = 0
            let plan = sampler.planner.plan(promptID: prompt.promptID, source: prompt.source)
            for planned in plan {
                let request = sampler.request(for: planned, prompt)
                let model = setup.configuration.sampling.pool.model(named: planned.model)!
                let maxTokens = request.parameters.maxTokens ?? byName[model.endpoint]?.parameters.maxTokens ?? assumedMaxTokens
                completionBudget += maxTokens
                var cached = false
                if let cache, let identity = identities[model.endpoint] {
                    cached = ((try? await cache.lookup(CacheKey.chat(request, identity: identity))) ?? nil) != nil
                }
                figures[model.endpoint]!.calls += 1
                if cached {
                    figures[model.endpoint]!.cachedCalls += 1
                } else {
                    figures[model.endpoint]!.promptTokens += promptTokens + tokens(planned.systemPrompt)
                    figures[model.endpoint]!.completionTokens += maxTokens
                }
            }
            for judge in setup.ensemble.judges {
                guard case .rewardModel(let scorer) = judge.kind else { continue }
                let batch = scorer.batch ?? 1
                figures[scorer.endpoint]!.calls += (plan.count + batch - 1) / batch
                figures[scorer.endpoint]!.promptTokens += plan.count * (promptTokens + completionBudget / max(1, plan.count))
            }
            if let probing, await Self.judgedFromCache(prompt, probing, probe: probe, into: &figures) {
                probedPrompts += 1
                continue
            }
            for judge in setup.ensemble.judges {
                guard case .llm(let llm) = judge.kind else { continue }
                let calls = judgeCalls(llm, completions: plan.count, rubrics: setup.rubrics)
                let perCall = promptTokens + judgeOverhead + (llm.mode == .multi ? completionBudget : completionBudget / max(1, plan.count) * 2)
                figures[llm.endpoint]!.calls += calls
                figures[llm.endpoint]!.retryCeiling += calls * llm.retries
                figures[llm.endpoint]!.promptTokens += calls * perCall
                figures[llm.endpoint]!.completionTokens += calls * llm.maxTokens * max(1, llm.samples)
            }
        }
        try? await cache?.close()
        estimate.assumptions = [
            "prompt tokens are estimated from text length (about \(TokenEstimate.bytesPerToken) characters a token); completion tokens assume every answer reaches max_tokens",
            "judge calls of a prompt whose answers are all cached were looked up in the cache by running the judges over it (\(probedPrompts) of \(estimate.prompts - estimate.finished) prompts); the others are estimated from each judge's rubrics and mode",
            "each uncached judge call is read on its first try; the retry ceiling is what unreadable answers could add (each judge's retries)",
            "reward-model scorers make one uncached call per answer, or per `batch` answers of a prompt",
        ] + (endpoints.contains { $0.batching != nil }
            ? ["calls of endpoints with a `batch:` block are priced at their batch price (price.batch_input_per_million and batch_output_per_million, default half the synchronous price)"]
            : [])
        estimate.endpoints = endpoints.map { endpoint in
            var figure = figures[endpoint.name]!
            // Calls of a batch endpoint cost its batch price (`price.batch_*`, default half).
            let price = endpoint.batching != nil ? endpoint.price?.batch : endpoint.price
            figure.cost = price?.cost(of: TokenUsage(promptTokens: figure.promptTokens, completionTokens: figure.completionTokens))
            return figure
        }.filter { $0.calls > 0 }
        return estimate
    }

    /// Samples and judges `prompt` from the cache alone; when every call was answered, adds them
    /// as cached calls and returns true. Any miss: false, and the caller estimates the judges.
    private static func judgedFromCache(
        _ prompt: PromptRecord, _ probing: (sampler: Sampler, ensemble: JudgeEnsemble), probe: CacheProbe,
        into figures: inout [String: EndpointEstimate]
    ) async -> Bool {
        _ = probe.take()
        let sample = await probing.sampler.sample(prompt)
        guard sample.complete else { return false }
        _ = probe.take()  // the sampling lookups are already counted
        guard (try? await probing.ensemble.rate(sample)) != nil else { return false }
        for (endpoint, calls) in probe.take() {
            figures[endpoint]?.calls += calls
            figures[endpoint]?.cachedCalls += calls
        }
        return true
    }

    /// Calls one LLM judge makes for a prompt with `completions` answers.
    static func judgeCalls(_ judge: LLMJudgeConfiguration, completions: Int, rubrics: RubricLibrary) -> Int {
        guard completions > 0 else { return 0 }
        var calls = 0
        for name in judge.rubrics {
            let kind = (try? rubrics.rubric(named: name))?.kind ?? .aspect
            switch (judge.mode, kind) {
            case (.multi, .aspect): calls += judge.shuffles
            case (.multi, .critique), (.single, _): calls += completions
            case (.pairwise, _):
                let pairs = judge.pairs == .all ? completions * (completions - 1) / 2 : completions - 1
                calls += judge.orders == .both ? 2 * pairs : pairs
            }
        }
        return calls
    }

    /// Tokens of rubric and template text a judge call carries besides the prompt and answers.
    static func judgeOverheadTokens(_ setup: RunSetup) -> Int {
        let directory = setup.rubrics.directory
        var bytes = 0
        for case .llm(let llm) in setup.ensemble.judges.map(\.kind) {
            for name in llm.rubrics {
                let size = (try? FileManager.default.attributesOfItem(atPath: "\(directory)/\(name).yaml")[.size] as? Int) ?? 2000
                bytes = max(bytes, size)
            }
        }
        return bytes / TokenEstimate.bytesPerToken + 200
    }

    static func tokens(_ text: String) -> Int {
        TokenEstimate.tokens(text)
    }
}
