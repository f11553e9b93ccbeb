import Foundation

/// Gathers every planned answer for a prompt, calling the pool's endpoints concurrently.
///
/// The plan (which models, principles, system prompts, seeds) comes from `SamplePlanner`; the
/// calls go through the `ChatClient`s given, normally `EndpointClient`s wrapped in a
/// `CachedChatClient`, so a resumed run gets every answered call back from the cache. Each call
/// carries its sample index and a seed derived from the run seed, prompt id and sample index:
/// the cache keys of a prompt's samples differ from each other and are the same in every run.
///
/// A call that fails after the client's retries becomes a `SampleFailure` in the record, with
/// its reason; the other samples of the prompt are kept. An endpoint that will refuse every call
/// (a refused key, an unknown model: see `EndpointHalt`) is asked nothing more: once the halt has
/// stopped it, every later call of it fails at once with the `EndpointStop`, without a request,
/// so a wrong key costs the calls in flight rather than every prompt's.
public struct Sampler: Sendable {
    package let planner: SamplePlanner
    private let clients: [String: any ChatClient]
    private let gates: [String: ConcurrencyGate]
    /// Watches the calls for an endpoint that refuses them all; `prefab run` shares its own.
    public let halt: EndpointHalt

    /// `clients` maps endpoint names (the config's `endpoints:`) to the client that calls them;
    /// the sampler guards them with `halt`.
    package init(planner: SamplePlanner, clients: [String: any ChatClient], halt: EndpointHalt = EndpointHalt()) throws(SamplerError) {
        let clients = HaltingChatClient.wrap(clients, halt: halt)
        var byModel: [String: any ChatClient] = [:]
        var gates: [String: ConcurrencyGate] = [:]
        for model in planner.pool.models {
            guard let client = clients[model.endpoint] else {
                throw .missingClient(model: model.name, endpoint: model.endpoint)
            }
            byModel[model.name] = client
            if let limit = model.limits.maxConcurrent { gates[model.name] = ConcurrencyGate(limit: limit) }
        }
        self.planner = planner
        self.clients = byModel
        self.gates = gates
        self.halt = halt
    }

    /// `halt`: by default one of the sampler's own, knowing the setup's endpoints.
    public init(setup: SamplingSetup, clients: [String: any ChatClient], halt: EndpointHalt? = nil) throws(SamplerError) {
        try self.init(planner: setup.planner, clients: clients, halt: halt ?? EndpointHalt(endpoints: setup.configuration.endpoints))
    }

    /// Samples `prompt`: one record with every answer, and every failure with its reason.
    public func sample(_ prompt: PromptRecord) async -> SampleRecord {
        let plan = planner.plan(promptID: prompt.promptID, source: prompt.source)
        let outcomes = await run(plan, for: prompt)
        return SampleRecord(
            promptID: prompt.promptID, source: prompt.source, messages: prompt.messages,
            instruction: prompt.instruction, reference: prompt.reference, metadata: prompt.metadata,
            models: plan.map(\.model),
            completions: outcomes.completions, failures: outcomes.failures)
    }

    /// Asks again for the samples `record` is missing (its failures) and returns the record with
    /// the new answers in place; samples that fail again stay listed as failures.
    public func retryFailures(of record: SampleRecord, prompt: PromptRecord) async -> SampleRecord {
        guard !record.failures.isEmpty else { return record }
        let missing = Set(record.failures.map(\.sampleIndex))
        let plan = planner.plan(promptID: prompt.promptID, source: prompt.source).filter { missing.contains($0.sampleIndex) }
        let outcomes = await run(plan, for: prompt)
        var updated = record
        updated.completions = (record.completions + outcomes.completions).sorted { $0.sampleIndex < $1.sampleIndex }
        updated.failures = outcomes.failures
        return updated
    }

    private func run(_ plan: [PlannedSample], for prompt: PromptRecord) async -> (completions: [SampleCompletion], failures: [SampleFailure]) {
        let results = await withTaskGroup(of: Outcome.self) { group in
            for planned in plan {
                group.addTask {
                    if let gate = gates[planned.model] {
                        return await gate.run { await call(planned, prompt) }
                    }
                    return await call(planned, prompt)
                }
            }
            var results: [Outcome] = []
            for await result in group { results.append(result) }
            return results
        }
        var completions: [SampleCompletion] = []
        var failures: [SampleFailure] = []
        for result in results {
            switch result {
            case .answered(let completion): completions.append(completion)
            case .failed(let failure): failures.append(failure)
            }
        }
        return (completions.sorted { $0.sampleIndex < $1.sampleIndex }, failures.sorted { $0.sampleIndex < $1.sampleIndex })
    }

    /// The request for one planned sample: the principle's system prompt ahead of the
    /// conversation (merged into the conversation's own system turn when it has one, since many
    /// chat templates take a single system message), the pool model's parameters and the seed.
    package func request(for planned: PlannedSample, _ prompt: PromptRecord) -> ChatRequest {
        let model = planner.pool.model(named: planned.model)!
        var messages = prompt.messages
        if !planned.systemPrompt.isEmpty {
            if let first = messages.first, first.role == "system" {
                messages[0] = .system(planned.systemPrompt + "\n\n" + first.content)
            } else {
                messages.insert(.system(planned.systemPrompt), at: 0)
            }
        }
        var parameters = model.parameters
        parameters.seed = planned.seed
        parameters.n = nil
        return ChatRequest(messages: messages, model: model.model, parameters: parameters, sampleIndex: planned.sampleIndex)
    }

    private func call(_ planned: PlannedSample, _ prompt: PromptRecord) async -> Outcome {
        let client = clients[planned.model]!
        func failure(_ reason: String, kind: FailureKind, attempts: Int) -> Outcome {
            .failed(
                SampleFailure(
                    model: planned.model, principle: planned.principle, customSystemPrompt: planned.systemPrompt,
                    sampleIndex: planned.sampleIndex, seed: planned.seed, reason: reason, kind: kind, attempts: attempts))
        }
        do {
            let response = try await client.chat(request(for: planned, prompt))
            guard let choice = response.choices.first else {
                return failure("the server answered with no choices", kind: .malformedResponse, attempts: 1)
            }
            return .answered(
                SampleCompletion(
                    model: planned.model, principle: planned.principle, customSystemPrompt: planned.systemPrompt,
                    response: choice.text, finishReason: choice.finishReason?.rawValue, usage: response.usage,
                    latency: response.latency, sampleIndex: planned.sampleIndex, seed: planned.seed,
                    servedModel: response.model.isEmpty ? nil : response.model, onPolicy: planned.onPolicy))
        } catch let error as EndpointError {
            let (kind, attempts) = Self.classify(error)
            return failure(error.description, kind: kind, attempts: attempts)
        } catch let stop as EndpointStop {
            return failure(stop.description, kind: stop.failureKind, attempts: 0)
        } catch is CancellationError {
            return failure("cancelled before an answer arrived", kind: .cancelled, attempts: 1)
        } catch {
            return failure("\(error)", kind: .error, attempts: 1)
        }
    }

    private enum Outcome: Sendable {
        case answered(SampleCompletion)
        case failed(SampleFailure)
    }

    /// A failure's kind for failure tables, and the attempts it took.
    static func classify(_ error: EndpointError) -> (kind: FailureKind, attempts: Int) {
        switch error {
        case .retriesExhausted(_, let attempts, let last): (classify(last).kind, attempts)
        case .http where error.isContextOverflow: (.contextOverflow, 1)
        case .http:
            switch error.fatality {
            case .authentication?: (.auth, 1)
            case .unknownModel?: (.unknownModel, 1)
            case .badRequest?, nil: (.httpStatus, 1)
            }
        case .transport: (.transport, 1)
        case .malformedResponse: (.malformedResponse, 1)
        case .budgetExhausted: (.budget, 0)
        case .missingAPIKey, .invalidConfiguration, .localServerUnavailable, .unsupported: (.endpoint, 0)
        }
    }
}
