/// `kind: reward_model`: the score a reward-model endpoint gives each (prompt, response), read
/// at a configurable JSON path and recorded as the judge's score; with `range`, also a 1–5
/// rating. An answer without a number at the path is a failed vote, not a score.
struct RewardModelScorer: PromptJudge {
    let name: String
    let configuration: RewardModelScorerConfiguration
    let client: any RewardModelClient

    /// The request for `completions` of `input`: one answer as the configured shape has it, or
    /// with `batch`, the answers' texts as a list under `input`.
    func body(_ input: SampleRecord, _ completions: ArraySlice<SampleCompletion>) -> JSONValue {
        var body = JSONObject()
        if let model = configuration.model { body["model"] = .string(model) }
        if configuration.batch != nil {
            body["input"] = .array(completions.map { .string(Self.text(input.messages, response: $0.response)) })
            return .object(body)
        }
        let completion = completions.first!
        switch configuration.request {
        case .chat:
            let messages = input.messages + [.assistant(completion.response)]
            body["messages"] = .array(messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) })
        case .text:
            body["input"] = .string(Self.text(input.messages, response: completion.response))
        }
        return .object(body)
    }

    /// The answers of a prompt as its requests take them: one at a time, or `batch` at a time.
    func requests(_ input: SampleRecord) -> [Range<Int>] {
        let size = configuration.batch ?? 1
        return stride(from: 0, to: input.completions.count, by: size).map { $0..<min($0 + size, input.completions.count) }
    }

    /// The `text` shape's input: for one user turn, `PROMPT\n\nRESPONSE`; for a longer
    /// conversation (a system prompt, earlier turns), every turn as `Role: text`, blank-line
    /// separated, ending with `Assistant: RESPONSE`, so no turn is dropped.
    static func text(_ messages: [ChatMessage], response: String) -> String {
        if messages.count == 1, messages[0].role == "user" { return messages[0].content + "\n\n" + response }
        let turns = messages + [.assistant(response)]
        return turns.map { "\($0.role.prefix(1).uppercased() + $0.role.dropFirst()): \($0.content)" }.joined(separator: "\n\n")
    }

    func judge(_ input: SampleRecord) async throws -> JudgeOutcome {
        var outcome = JudgeOutcome(completions: input.completions.count)
        for range in requests(input) {
            let response: RewardModelResponse
            do {
                response = try await client.post(body(input, input.completions[range]))
            } catch let error as EndpointError {
                if case .budgetExhausted = error { throw JudgeError.budgetExhausted(error.description) }
                // A refused key or an unknown model fails every call: thrown as itself, as the
                // LLM judge does, so the stage stops instead of failing prompt after prompt.
                if error.isFatal { throw error }
                throw JudgeError.requestFailed(judge: name, promptID: input.promptID, reason: error.description)
            } catch let error as CancellationError {
                throw error
            } catch {
                throw JudgeError.requestFailed(judge: name, promptID: input.promptID, reason: "\(error)")
            }
            outcome.calls.append(JudgeOutcome.Call(usage: TokenUsage(), cached: response.cached))
            for (item, index) in range.enumerated() {
                // A batched answer with fewer items than were sent fails the missing ones only.
                let path = configuration.batch == nil ? configuration.scorePath : configuration.scorePath(item: item)
                guard let score = Self.number(at: path, in: response.json) else {
                    outcome.votes[index].append(JudgeVote(
                        judge: name, aspect: configuration.aspect, rating: nil, raw: response.raw, parse: .failed,
                        detail: "no number at '\(path)'"))
                    continue
                }
                outcome.scores[index] = score
                var rating: Double?
                if let range = configuration.range {
                    let share = (score - range[0]) / (range[1] - range[0])
                    rating = min(5, max(1, 1 + 4 * share))
                }
                outcome.votes[index].append(JudgeVote(
                    judge: name, aspect: configuration.aspect, rating: rating, raw: response.raw, parse: .ok,
                    detail: "score \(score)"))
            }
        }
        return outcome
    }

    /// The number at a dot path (`data.0.score`): object keys, digits index arrays.
    static func number(at path: String, in json: JSONValue) -> Double? {
        var value = json
        for part in path.split(separator: ".", omittingEmptySubsequences: true) {
            switch value {
            case .object(let object):
                guard let next = object[String(part)] else { return nil }
                value = next
            case .array(let array):
                guard let index = Int(part), array.indices.contains(index) else { return nil }
                value = array[index]
            default:
                return nil
            }
        }
        switch value {
        case .int(let number): return Double(number)
        case .double(let number): return number.isFinite ? number : nil
        case .string(let text): return Double(text)
        default: return nil
        }
    }
}
