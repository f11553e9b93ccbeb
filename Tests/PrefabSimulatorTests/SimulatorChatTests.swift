import Foundation
import PrefabTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PrefabSimulator
import Testing

@Suite struct SimulatorChatTests {
    @Test func sameRequestAndSeedGiveTheSameTextAndOtherSeedsDoNot() async throws {
        try await SimulatorHarness.run { server in
            let url = server.baseURL + "/v1/chat/completions"
            func content(_ extra: String) async throws -> String {
                let exchange = try await SimulatorHarness.curl(url, json: SimulatorHarness.chatBody("Why is the sky blue?", extra))
                #expect(exchange.status == 200, "\(exchange.text)")
                return try #require(try SimulatorHarness.ChatView(exchange).content())
            }
            let first = try await content(#""seed":1,"temperature":0.7"#)
            let again = try await content(#""seed":1,"temperature":0.7"#)
            let otherSeed = try await content(#""seed":2,"temperature":0.7"#)
            let otherTemperature = try await content(#""seed":1,"temperature":0.2"#)
            #expect(first == again)
            #expect(first != otherSeed)
            #expect(first != otherTemperature)
            #expect(first.split(separator: " ").count == 40, "the default answer is 40 words")
        }
    }

    @Test func nChoicesAreIndexedAndDiffer() async throws {
        try await SimulatorHarness.run { server in
            let exchange = try await SimulatorHarness.curl(
                server.baseURL + "/v1/chat/completions", json: SimulatorHarness.chatBody("Name a colour.", #""n":3,"seed":9"#)
            )
            let view = try SimulatorHarness.ChatView(exchange)
            #expect(view.choices.map { $0["index"] as? Int } == [0, 1, 2])
            let texts = (0..<3).compactMap { view.content($0) }
            #expect(Set(texts).count == 3)
            #expect(view.choices.allSatisfy { $0["finish_reason"] as? String == "stop" })
            let completionTokens = texts.map { $0.split(whereSeparator: \.isWhitespace).count }.reduce(0, +)
            #expect(view.usage["completion_tokens"] == completionTokens)
            #expect(view.usage["prompt_tokens"] == 3)
            #expect(view.usage["total_tokens"] == completionTokens + 3)
            #expect(view.raw["object"] as? String == "chat.completion")
            #expect(view.raw["model"] as? String == "sim-model")
            #expect((view.raw["id"] as? String)?.hasPrefix("chatcmpl-") == true)
        }
    }

    @Test func maxTokensCutsTheAnswerAndReportsLength() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 30)) { server in
            let url = server.baseURL + "/v1/chat/completions"
            let full = try SimulatorHarness.ChatView(try await SimulatorHarness.curl(url, json: SimulatorHarness.chatBody("Tell a story.", #""seed":4"#)))
            let cut = try SimulatorHarness.ChatView(
                try await SimulatorHarness.curl(url, json: SimulatorHarness.chatBody("Tell a story.", #""seed":4,"max_tokens":7"#))
            )
            let modern = try SimulatorHarness.ChatView(
                try await SimulatorHarness.curl(url, json: SimulatorHarness.chatBody("Tell a story.", #""seed":4,"max_completion_tokens":7"#))
            )
            let roomy = try SimulatorHarness.ChatView(
                try await SimulatorHarness.curl(url, json: SimulatorHarness.chatBody("Tell a story.", #""seed":4,"max_tokens":500"#))
            )
            #expect(full.finishReason() == "stop")
            #expect(full.usage["completion_tokens"] == 30)
            #expect(cut.finishReason() == "length")
            #expect(cut.usage["completion_tokens"] == 7)
            #expect(modern.content() == cut.content())
            #expect(try full.content().map { $0.hasPrefix(try #require(cut.content())) } == true)
            #expect(roomy.content() == full.content())
            #expect(roomy.finishReason() == "stop")
        }
    }

    @Test func stopSequenceEndsTheAnswerBeforeIt() async throws {
        try await SimulatorHarness.run { server in
            let url = server.baseURL + "/v1/chat/completions"
            let full = try #require(try SimulatorHarness.ChatView(
                try await SimulatorHarness.curl(url, json: SimulatorHarness.chatBody("Count things.", #""seed":5"#))
            ).content())
            let words = full.split(separator: " ")
            let stop = String(words[10])
            let cut = try SimulatorHarness.ChatView(
                try await SimulatorHarness.curl(url, json: SimulatorHarness.chatBody("Count things.", #""seed":5,"stop":["\#(stop)"]"#))
            )
            let text = try #require(cut.content())
            #expect(!text.contains(stop))
            #expect(full.hasPrefix(text))
            #expect(cut.finishReason() == "stop")
        }
    }

    @Test func logprobsDescribeEveryToken() async throws {
        try await SimulatorHarness.run { server in
            let exchange = try await SimulatorHarness.curl(
                server.baseURL + "/v1/chat/completions",
                json: SimulatorHarness.chatBody("Hello", #""max_tokens":6,"logprobs":true,"top_logprobs":3"#)
            )
            let view = try SimulatorHarness.ChatView(exchange)
            let logprobs = try #require(view.choices.first?["logprobs"] as? [String: Any])
            let entries = try #require(logprobs["content"] as? [[String: Any]])
            #expect(entries.count == 6)
            #expect(entries.compactMap { $0["token"] as? String }.joined() == view.content())
            for entry in entries {
                let logprob = try #require(entry["logprob"] as? Double)
                #expect(logprob <= 0)
                let top = try #require(entry["top_logprobs"] as? [[String: Any]])
                #expect(top.count == 3)
                #expect(top.first?["token"] as? String == entry["token"] as? String)
                let probabilities = top.compactMap { ($0["logprob"] as? Double).map { exp($0) } }
                #expect(probabilities.reduce(0, +) <= 1.0001)
                #expect((entry["bytes"] as? [Int])?.count == (entry["token"] as? String)?.utf8.count)
            }
            let plain = try SimulatorHarness.ChatView(
                try await SimulatorHarness.curl(server.baseURL + "/v1/chat/completions", json: SimulatorHarness.chatBody("Hello"))
            )
            #expect(plain.choices.first?["logprobs"] is NSNull)
        }
    }

    @Test func answersUseWordsFromThePrompt() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 200)) { server in
            let prompt = "Describe penguins glaciers icebergs walruses narwhals tundra auroras seals"
            let text = try #require(try SimulatorHarness.ChatView(
                try await SimulatorHarness.curl(server.baseURL + "/v1/chat/completions", json: SimulatorHarness.chatBody(prompt))
            ).content()).lowercased()
            let promptWords = ["penguins", "glaciers", "icebergs", "walruses", "narwhals", "tundra", "auroras", "seals"]
            #expect(promptWords.filter { text.contains($0) }.count >= 4)
        }
    }

    @Test func invalidRequestsGetOpenAIStyleErrors() async throws {
        try await SimulatorHarness.run { server in
            let url = server.baseURL + "/v1/chat/completions"
            let cases: [(String, String)] = [
                ("{not json", ""),
                (#"{"model":"m"}"#, "messages"),
                (#"{"model":"m","messages":[]}"#, "messages"),
                (SimulatorHarness.chatBody("x", #""n":0"#), "n"),
                (SimulatorHarness.chatBody("x", #""temperature":"hot""#), "temperature"),
                (SimulatorHarness.chatBody("x", #""response_format":{"type":"json_schema"}"#), "response_format.json_schema.schema"),
            ]
            for (body, parameter) in cases {
                let exchange = try await SimulatorHarness.curl(url, json: body)
                #expect(exchange.status == 400, "\(body)")
                let error = try #require(try exchange.json()["error"] as? [String: Any])
                #expect(error["type"] as? String == "invalid_request_error")
                #expect((error["message"] as? String)?.isEmpty == false)
                if !parameter.isEmpty { #expect(error["param"] as? String == parameter, "\(body)") }
            }
            let wrongMethod = try await SimulatorHarness.curl(url, method: "GET")
            #expect(wrongMethod.status == 405)
            let unknown = try await SimulatorHarness.curl(server.baseURL + "/v1/nothing", json: "{}")
            #expect(unknown.status == 404)
        }
    }

    @Test func manyConcurrentKeepAliveRequestsAreAllAnswered() async throws {
        try await SimulatorHarness.run { server in
            let url = try #require(URL(string: server.baseURL + "/v1/chat/completions"))
            let session = URLSession(configuration: .ephemeral)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        var request = URLRequest(url: url)
                        request.httpMethod = "POST"
                        request.httpBody = Data(SimulatorHarness.chatBody("question \(index)", #""max_tokens":8"#).utf8)
                        let (_, response) = try await session.data(for: request)
                        return (response as? HTTPURLResponse)?.statusCode ?? 0
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 200)
            #expect(statuses.allSatisfy { $0 == 200 })
            let stats = server.stats()
            #expect(stats.count(path: "/v1/chat/completions", status: 200) == 200)
            #expect(stats.uniqueBodies == 200)
            #expect(stats.inFlight == 0)
        }
    }
}
