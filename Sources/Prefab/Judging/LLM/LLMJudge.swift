/// An LLM judge over the endpoint layer: renders the rubric's template for each call its mode
/// needs, asks for the rubric's JSON schema (or free text), reads the answers tolerantly,
/// retries unreadable ones a bounded number of times, and records every vote with its raw
/// output. An answer that cannot be read stays a failed vote; it never becomes a score.
struct LLMJudge: PromptJudge {
    let name: String
    let configuration: LLMJudgeConfiguration
    let rubrics: [Rubric]
    /// The main template for each rubric (by rubric name).
    let templates: [String: JudgeTemplate]
    let systemTemplate: JudgeTemplate?
    let client: any ChatClient
    let runSeed: UInt64
    /// The judge's calls with the rubric's schema, as `structured_output` says; one per judge, so
    /// one refusal in `auto` mode switches all of its calls to free text.
    let chat: SchemaConstrainedChat

    init(
        name: String, configuration: LLMJudgeConfiguration, rubrics: [Rubric], templates: [String: JudgeTemplate],
        systemTemplate: JudgeTemplate?, client: any ChatClient, runSeed: UInt64
    ) {
        self.name = name
        self.configuration = configuration
        self.rubrics = rubrics
        self.templates = templates
        self.systemTemplate = systemTemplate
        self.client = client
        self.runSeed = runSeed
        chat = SchemaConstrainedChat(client: client, strict: true, mode: configuration.structuredOutput)
    }

    /// Temperature used for retries when the judge runs at 0: a greedy retry would repeat the
    /// same unreadable answer.
    static let retryTemperature = 0.7

    func judge(_ input: SampleRecord) async throws -> JudgeOutcome {
        var outcome = JudgeOutcome(completions: input.completions.count)
        guard !input.completions.isEmpty else { return outcome }
        try await withThrowingTaskGroup(of: Partial.self) { group in
            for rubric in rubrics {
                switch (configuration.mode, rubric.kind) {
                case (.multi, .aspect):
                    for shuffle in 0..<configuration.shuffles {
                        group.addTask { try await multi(input, rubric: rubric, shuffle: shuffle) }
                    }
                case (.multi, .critique), (.single, _):
                    for index in input.completions.indices {
                        group.addTask { try await single(input, rubric: rubric, completion: index) }
                    }
                case (.pairwise, _):
                    for (first, second) in orderedPairs(input, rubric: rubric) {
                        group.addTask { try await pairwise(input, rubric: rubric, first: first, second: second) }
                    }
                }
            }
            var partials: [Partial] = []
            for try await partial in group { partials.append(partial) }
            // Task completion order varies; votes are stored in a fixed order.
            partials.sort { $0.order.lexicographicallyPrecedes($1.order) }
            for partial in partials {
                for (index, votes) in partial.votes { outcome.votes[index].append(contentsOf: votes) }
                outcome.calls.append(contentsOf: partial.calls)
            }
        }
        return outcome
    }

    /// One task's votes and calls, with a key that orders them deterministically.
    struct Partial: Sendable {
        var order: [Int]
        var votes: [(Int, [JudgeVote])]
        var calls: [JudgeOutcome.Call]
    }

    private func rubricIndex(_ rubric: Rubric) -> Int {
        rubrics.firstIndex { $0.name == rubric.name } ?? 0
    }

    private func rationaleMax(_ rubric: Rubric) -> Int {
        configuration.rationaleMaxChars ?? rubric.rationaleMaxChars
    }

    // MARK: - Modes

    /// Every completion in one call (or in parts, see below), in the order `shownOrder` gives
    /// shuffle `shuffle`, mapped back afterwards.
    private func multi(_ input: SampleRecord, rubric: Rubric, shuffle: Int) async throws -> Partial {
        let order = shownOrder(input, rubric: rubric, shuffle: shuffle)
        let (votes, calls) = try await multi(input, rubric: rubric, order: order, shuffle: shuffle, part: nil)
        return Partial(order: [rubricIndex(rubric), 0, shuffle], votes: votes.sorted { $0.key < $1.key }, calls: calls)
    }

    /// Rates the completions `order` lists, shown in that order, in one call; or, when the call
    /// would not fit the endpoint's context window (estimated before asking, or said by the
    /// server), in two halves, each split again as needed down to one completion a call. Each
    /// answer is rated on its own scale in every part, so a split costs calls, not ratings; a
    /// completion that does not fit alone fails as `JudgeError.contextOverflow`.
    /// `part` names a half in the cache key and seed (`positions a-b` of the whole order).
    private func multi(
        _ input: SampleRecord, rubric: Rubric, order: [Int], shuffle: Int, part: Range<Int>?
    ) async throws -> (votes: [Int: [JudgeVote]], calls: [JudgeOutcome.Call]) {
        let whole = part ?? 0..<order.count
        let indices = Array(order[whole])
        func halves() async throws -> (votes: [Int: [JudgeVote]], calls: [JudgeOutcome.Call]) {
            let middle = whole.lowerBound + whole.count / 2
            async let first = multi(input, rubric: rubric, order: order, shuffle: shuffle, part: whole.lowerBound..<middle)
            let second = try await multi(input, rubric: rubric, order: order, shuffle: shuffle, part: middle..<whole.upperBound)
            let firstResult = try await first
            return (firstResult.votes.merging(second.votes) { $0 + $1 }, firstResult.calls + second.calls)
        }
        let shown = indices.enumerated().map { position, index in
            JudgePromptContext.Shown(index: position + 1, label: CompletionLabel.label(position), text: input.completions[index].response)
        }
        let count = indices.count
        let scale = rubric.scale.ratingScale
        let types = rubric.types
        let messages = messages(input, rubric: rubric, shown: shown)
        if count > 1, let window = await client.contextWindow, !Self.fits(messages, maxTokens: configuration.maxTokens, window: window) {
            return try await halves()
        }
        let call = JudgeCall<[Result<ParsedRating, JudgeParseFailure>]>(
            messages: messages,
            schema: JudgeSchema.multi(rubric, count: count, rationaleMaxChars: rationaleMax(rubric)),
            // Shuffle 0 keeps the key (so the request seed) a judge with one order has always had.
            key: [rubric.name, "multi"] + (shuffle > 0 ? ["shuffle \(shuffle)"] : [])
                + (part.map { ["positions \($0.lowerBound)-\($0.upperBound)"] } ?? []),
            parse: { text in
                let results = JudgeAnswerParser.ratings(from: text, count: count, scale: scale).map { Self.withTypeCodes($0, types) }
                let read = results.filter { if case .success = $0 { true } else { false } }.count
                return .init(value: results, readCount: read, complete: read == count)
            },
            failAll: { failure in .init(value: Array(repeating: .failure(failure), count: count), readCount: 0, complete: false) })
        let answers: [JudgeCall<[Result<ParsedRating, JudgeParseFailure>]>.Answer]
        let calls: [JudgeOutcome.Call]
        do {
            (answers, calls) = try await ask(call, input: input)
        } catch JudgeError.contextOverflow where count > 1 {
            return try await halves()
        }
        var votes: [Int: [JudgeVote]] = [:]
        for (sample, answer) in answers.enumerated() {
            for (position, result) in answer.reading.value.enumerated() {
                votes[indices[position], default: []].append(
                    vote(rubric: rubric, result: result, answer: answer, position: position, sample: sample,
                         shuffle: configuration.shuffles > 1 ? shuffle : nil, part: part?.lowerBound))
            }
        }
        return (votes, calls)
    }

    /// Whether a request of `messages` and an answer of up to `maxTokens` fits `window` tokens,
    /// with a third more on the estimate for text denser than prose (mathematics, code).
    static func fits(_ messages: [ChatMessage], maxTokens: Int, window: Int) -> Bool {
        TokenEstimate.tokens(messages) * 4 / 3 + maxTokens <= window
    }

    /// The completion indices in the order shuffle `shuffle` (0-based, of `shuffles`) shows them.
    ///
    /// Shuffles come in blocks of k (the number of completions): each block draws one seeded
    /// permutation and its shuffles rotate it, so within a block every completion is shown once
    /// at every position, and a judge that favours a position adds the same to each of them.
    /// Block 0's permutation is the one a judge with a single order has always used (same
    /// seed), so `shuffles: 1` asks exactly what it did before and hits the same cache entries.
    func shownOrder(_ input: SampleRecord, rubric: Rubric, shuffle: Int) -> [Int] {
        var order = Array(input.completions.indices)
        guard configuration.shuffle, !order.isEmpty else { return order }
        let (block, rotation) = shuffle.quotientAndRemainder(dividingBy: order.count)
        var parts = [input.promptID, name, rubric.name, "shuffle"]
        if block > 0 { parts.append("block \(block)") }
        var generator = SeededGenerator(seed: runSeed, parts: parts)
        order.shuffle(using: &generator)
        return Array(order[rotation...] + order[..<rotation])
    }

    /// One completion per call: an aspect rating, or a critique with its score.
    private func single(_ input: SampleRecord, rubric: Rubric, completion index: Int) async throws -> Partial {
        let shown = [JudgePromptContext.Shown(index: 1, label: "A", text: input.completions[index].response)]
        let scale = rubric.scale.ratingScale
        let types = rubric.types
        let call: JudgeCall<Result<ParsedRating, JudgeParseFailure>>
        if rubric.kind == .critique {
            call = JudgeCall(
                messages: messages(input, rubric: rubric, shown: shown),
                schema: JudgeSchema.critique(rubric, rationaleMaxChars: rationaleMax(rubric)),
                key: [rubric.name, "critique", String(index)],
                parse: { text in
                    let result = JudgeAnswerParser.critique(from: text, scale: scale).map {
                        ParsedRating(rating: .score($0.score), rationale: $0.critique)
                    }
                    return Self.reading(result)
                },
                failAll: { .init(value: .failure($0), readCount: 0, complete: false) })
        } else {
            call = JudgeCall(
                messages: messages(input, rubric: rubric, shown: shown),
                schema: JudgeSchema.single(rubric, rationaleMaxChars: rationaleMax(rubric)),
                key: [rubric.name, "single", String(index)],
                parse: { text in Self.reading(Self.withTypeCodes(JudgeAnswerParser.rating(from: text, scale: scale), types)) },
                failAll: { .init(value: .failure($0), readCount: 0, complete: false) })
        }
        let (answers, calls) = try await ask(call, input: input)
        let votes = answers.enumerated().map { sample, answer in
            vote(rubric: rubric, result: answer.reading.value, answer: answer, position: nil, sample: sample)
        }
        return Partial(order: [rubricIndex(rubric), 1, index], votes: [(index, votes)], calls: calls)
    }

    /// Two completions, `first` shown as A and `second` as B; the verdict is stored on both.
    private func pairwise(_ input: SampleRecord, rubric: Rubric, first: Int, second: Int) async throws -> Partial {
        let shown = [
            JudgePromptContext.Shown(index: 1, label: "A", text: input.completions[first].response),
            JudgePromptContext.Shown(index: 2, label: "B", text: input.completions[second].response),
        ]
        let call = JudgeCall<Result<ParsedVerdict, JudgeParseFailure>>(
            messages: messages(input, rubric: rubric, shown: shown),
            schema: JudgeSchema.pairwise(rationaleMaxChars: rationaleMax(rubric)),
            key: [rubric.name, "pairwise", String(first), String(second)],
            parse: { text in
                let result = JudgeAnswerParser.verdict(from: text)
                if case .success = result { return .init(value: result, readCount: 1, complete: true) }
                return .init(value: result, readCount: 0, complete: false)
            },
            failAll: { .init(value: .failure($0), readCount: 0, complete: false) })
        let (answers, calls) = try await ask(call, input: input)
        var onFirst: [JudgeVote] = []
        var onSecond: [JudgeVote] = []
        for (sample, answer) in answers.enumerated() {
            let sampleIndex = configuration.samples > 1 ? sample : nil
            let status = Self.status(read: answer.reading.readCount > 0, attempt: answer.attempt)
            switch answer.reading.value {
            case .success(let parsed):
                let outcome: Double = switch parsed.verdict {
                case .a: 1
                case .b: 0
                case .tie: 0.5
                }
                onFirst.append(JudgeVote(
                    judge: name, aspect: rubric.name, rating: outcome, rationale: parsed.rationale, position: 0,
                    raw: answer.raw, parse: status, attempts: answer.attempts, verdict: parsed.verdict.rawValue,
                    opponent: second, sample: sampleIndex))
                onSecond.append(JudgeVote(
                    judge: name, aspect: rubric.name, rating: 1 - outcome, rationale: parsed.rationale, position: 1,
                    raw: answer.raw, parse: status, attempts: answer.attempts, verdict: parsed.verdict.rawValue,
                    opponent: first, sample: sampleIndex))
            case .failure(let failure):
                for (index, position, opponent) in [(0, 0, second), (1, 1, first)] {
                    let vote = JudgeVote(
                        judge: name, aspect: rubric.name, rating: nil, position: position, raw: answer.raw, parse: .failed,
                        attempts: answer.attempts, opponent: opponent, sample: sampleIndex, detail: failure.description)
                    if index == 0 { onFirst.append(vote) } else { onSecond.append(vote) }
                }
            }
        }
        return Partial(order: [rubricIndex(rubric), 2, first, second], votes: [(first, onFirst), (second, onSecond)], calls: calls)
    }

    /// The ordered pairs asked: every pair (or seeded neighbours), in both orders or one seeded order.
    func orderedPairs(_ input: SampleRecord, rubric: Rubric) -> [(Int, Int)] {
        let count = input.completions.count
        guard count >= 2 else { return [] }
        var generator = SeededGenerator(seed: runSeed, input.promptID, name, rubric.name, "pairs")
        var pairs: [(Int, Int)] = []
        switch configuration.pairs {
        case .all:
            for i in 0..<count { for j in (i + 1)..<count { pairs.append((i, j)) } }
        case .adjacent:
            let order = Array(0..<count).shuffled(using: &generator)
            for k in 0..<(count - 1) { pairs.append((min(order[k], order[k + 1]), max(order[k], order[k + 1]))) }
        }
        switch configuration.orders {
        case .both:
            return pairs.flatMap { [($0.0, $0.1), ($0.1, $0.0)] }
        case .one:
            return pairs.map { generator.nextUnit() < 0.5 ? ($0.0, $0.1) : ($0.1, $0.0) }
        }
    }

    // MARK: - Asking

    private func messages(_ input: SampleRecord, rubric: Rubric, shown: [JudgePromptContext.Shown]) -> [ChatMessage] {
        let context = JudgePromptContext.make(
            input: input, rubric: rubric, shown: shown, rationaleMaxChars: rationaleMax(rubric),
            withReference: configuration.withReference)
        var messages: [ChatMessage] = []
        if let systemTemplate { messages.append(.system(systemTemplate.render(context))) }
        messages.append(.user(templates[rubric.name]!.render(context)))
        return messages
    }

    /// Asks until every sample reads or the retries run out; keeps, per sample, the answer that
    /// read the most items (the earliest among equals).
    private func ask<Value>(_ call: JudgeCall<Value>, input: SampleRecord) async throws -> ([JudgeCall<Value>.Answer], [JudgeOutcome.Call]) {
        let samples = configuration.samples
        var best: [JudgeCall<Value>.Answer?] = Array(repeating: nil, count: samples)
        var pending = Array(0..<samples)
        var calls: [JudgeOutcome.Call] = []
        var attempt = 0
        while !pending.isEmpty, attempt <= configuration.retries {
            attempt += 1
            let response = try await send(call, input: input, attempt: attempt, n: pending.count)
            calls.append(JudgeOutcome.Call(usage: response.usage, cached: response.cached))
            for (offset, slot) in pending.enumerated() {
                let reading: JudgeCall<Value>.Reading
                let raw: String
                if offset < response.choices.count {
                    let choice = response.choices[offset]
                    raw = choice.text
                    if choice.finishReason == .length {
                        reading = call.failAll(.truncated)
                    } else {
                        reading = call.parse(choice.text)
                    }
                } else {
                    raw = ""
                    reading = call.failAll(.empty)
                }
                if best[slot] == nil || reading.readCount > best[slot]!.reading.readCount {
                    best[slot] = .init(reading: reading, raw: raw, attempt: attempt, attempts: attempt)
                } else {
                    best[slot]!.attempts = attempt
                }
            }
            pending = pending.filter { !best[$0]!.reading.complete }
        }
        return (best.map { $0! }, calls)
    }

    /// One request, with the rubric's schema as `structured_output` says (`SchemaConstrainedChat`
    /// handles a refused schema in `auto` mode); endpoint errors become this prompt's failure,
    /// except those that end the stage.
    private func send<Value>(_ call: JudgeCall<Value>, input: SampleRecord, attempt: Int, n: Int) async throws -> ChatResponse {
        var temperature = configuration.temperature
        if attempt > 1, temperature == 0 { temperature = Self.retryTemperature }
        let parameters = GenerationParameters(
            temperature: temperature, topP: configuration.topP, maxTokens: configuration.maxTokens,
            n: n > 1 ? n : nil, seed: requestSeed(input: input, key: call.key, attempt: attempt))
        let request = ChatRequest(messages: call.messages, model: configuration.model, parameters: parameters, sampleIndex: attempt - 1)
        do {
            return try await chat.chat(request, schemaName: "judgement", schema: call.schema)
        } catch let error as EndpointError {
            if case .budgetExhausted = error { throw JudgeError.budgetExhausted(error.description) }
            if error.isContextOverflow {
                throw JudgeError.contextOverflow(judge: name, promptID: input.promptID, reason: error.description)
            }
            // An endpoint that refuses every call is no failure of this prompt: thrown as
            // itself (not a `JudgeError`), it ends the stage instead of failing prompt after
            // prompt with the same refusal.
            if error.isFatal { throw error }
            throw JudgeError.requestFailed(judge: name, promptID: input.promptID, reason: error.description)
        } catch let stop as EndpointStop {
            throw stop
        } catch let error as CancellationError {
            throw error
        } catch {
            throw JudgeError.requestFailed(judge: name, promptID: input.promptID, reason: "\(error)")
        }
    }

    /// The seed sent with a request: from the judge's `seed`, the prompt, the judge, the call and
    /// the attempt, so calls differ per prompt and per retry but repeat across runs.
    private func requestSeed(input: SampleRecord, key: [String], attempt: Int) -> Int {
        var generator = SeededGenerator(
            seed: UInt64(bitPattern: Int64(configuration.seed)), parts: [input.promptID, name] + key + ["attempt \(attempt)"])
        return Int(generator.next() % (1 << 31))
    }

    // MARK: - Votes

    private func vote(
        rubric: Rubric, result: Result<ParsedRating, JudgeParseFailure>, answer: JudgeCall<some Sendable>.Answer,
        position: Int?, sample: Int, shuffle: Int? = nil, part: Int? = nil
    ) -> JudgeVote {
        let sampleIndex = configuration.samples > 1 ? sample : nil
        switch result {
        case .success(let parsed):
            return JudgeVote(
                judge: name, aspect: rubric.name, rating: parsed.rating.score,
                rationale: [parsed.rationale, parsed.rationaleForRating].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n"),
                position: position, raw: answer.raw, parse: Self.status(read: true, attempt: answer.attempt), attempts: answer.attempts,
                notApplicable: parsed.rating == .notApplicable, types: rubric.types == nil ? nil : (parsed.types ?? []),
                sample: sampleIndex, shuffle: shuffle, part: part)
        case .failure(let failure):
            return JudgeVote(
                judge: name, aspect: rubric.name, rating: nil, position: position, raw: answer.raw, parse: .failed,
                attempts: answer.attempts, sample: sampleIndex, shuffle: shuffle, part: part, detail: failure.description)
        }
    }

    static func status(read: Bool, attempt: Int) -> JudgeVote.ParseStatus {
        guard read else { return .failed }
        return attempt > 1 ? .retried : .ok
    }

    static func reading(_ result: Result<ParsedRating, JudgeParseFailure>) -> JudgeCall<Result<ParsedRating, JudgeParseFailure>>.Reading {
        if case .success = result { return .init(value: result, readCount: 1, complete: true) }
        return .init(value: result, readCount: 0, complete: false)
    }

    /// Replaces type ids with the codes the record stores; an unknown type fails the reading.
    static func withTypeCodes(_ result: Result<ParsedRating, JudgeParseFailure>, _ types: RubricTypes?) -> Result<ParsedRating, JudgeParseFailure> {
        guard let types, case .success(var parsed) = result else { return result }
        switch types.codes(for: parsed.types ?? []) {
        case .success(let codes):
            parsed.types = codes
            return .success(parsed)
        case .failure(let failure):
            return .failure(failure)
        }
    }
}
