import Foundation
import PrefabTestSupport
import PrefabSimulator
import Testing

@Suite struct SimulatorEndpointTests {
    @Test func anthropicMessagesHaveTheMessagesShape() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(responseWords: 12)) { server in
            let url = server.baseURL + "/v1/messages"
            let request = #"{"model":"claude-sim","max_tokens":50,"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"Hello there"}]}]}"#
            let exchange = try await SimulatorHarness.curl(url, json: request, headers: ["anthropic-version": "2023-06-01"])
            #expect(exchange.status == 200, "\(exchange.text)")
            let json = try exchange.json()
            #expect(json["type"] as? String == "message")
            #expect(json["role"] as? String == "assistant")
            #expect(json["model"] as? String == "claude-sim")
            #expect((json["id"] as? String)?.hasPrefix("msg_") == true)
            let content = try #require(json["content"] as? [[String: Any]])
            #expect(content.count == 1)
            #expect(content[0]["type"] as? String == "text")
            let text = try #require(content[0]["text"] as? String)
            #expect(text.split(separator: " ").count == 12)
            #expect(json["stop_reason"] as? String == "end_turn")
            let usage = try #require(json["usage"] as? [String: Int])
            #expect(usage["input_tokens"] == 4)
            #expect(usage["output_tokens"] == 12)

            let again = try await SimulatorHarness.curl(url, json: request, headers: ["anthropic-version": "2023-06-01"])
            #expect(((try again.json()["content"] as? [[String: Any]])?.first?["text"] as? String) == text)

            let short = try await SimulatorHarness.curl(
                url, json: request.replacingOccurrences(of: #""max_tokens":50"#, with: #""max_tokens":3"#),
                headers: ["anthropic-version": "2023-06-01"]
            )
            #expect(try short.json()["stop_reason"] as? String == "max_tokens")
        }
    }

    @Test func anthropicRequiresVersionHeaderAndMaxTokens() async throws {
        try await SimulatorHarness.run { server in
            let url = server.baseURL + "/v1/messages"
            let request = #"{"model":"c","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#
            let noVersion = try await SimulatorHarness.curl(url, json: request)
            #expect(noVersion.status == 400)
            #expect(try noVersion.json()["type"] as? String == "error")
            #expect(noVersion.text.contains("anthropic-version"))
            let noMax = try await SimulatorHarness.curl(
                url, json: #"{"model":"c","messages":[{"role":"user","content":"hi"}]}"#, headers: ["anthropic-version": "2023-06-01"]
            )
            #expect(noMax.status == 400)
            #expect(noMax.text.contains("max_tokens"))
        }
    }

    /// Every POST endpoint is routed the one way: other methods get 405 with `allow: POST`, and
    /// a rejected request gets the error body of the endpoint's own API.
    @Test func endpointsShareRoutingAndErrorShapes() async throws {
        try await SimulatorHarness.run { server in
            for path in ["/v1/chat/completions", "/v1/messages", "/v1/embeddings"] {
                let wrongMethod = try await SimulatorHarness.curl(server.baseURL + path, method: "GET")
                #expect(wrongMethod.status == 405, "\(path)")
                #expect(wrongMethod.headers["allow"] == "POST", "\(path)")
                let rejected = try await SimulatorHarness.curl(
                    server.baseURL + path, json: "[]", headers: ["anthropic-version": "2023-06-01"])
                #expect(rejected.status == 400, "\(path)")
                let json = try rejected.json()
                if path == "/v1/messages" {
                    #expect(json["type"] as? String == "error")
                    #expect((json["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
                } else {
                    #expect(json["type"] == nil, "\(path)")
                    #expect((json["error"] as? [String: Any])?["type"] as? String == "invalid_request_error", "\(path)")
                }
            }
        }
    }

    @Test func embeddingsAreDeterministicUnitVectors() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(embeddingDimensions: 32)) { server in
            let url = server.baseURL + "/v1/embeddings"
            let exchange = try await SimulatorHarness.curl(url, json: #"{"model":"embed","input":["the cat sat on the mat","the cat sat on the mat","quantum chromodynamics lecture",""]}"#)
            #expect(exchange.status == 200, "\(exchange.text)")
            let json = try exchange.json()
            #expect(json["object"] as? String == "list")
            let data = try #require(json["data"] as? [[String: Any]])
            let vectors = try data.map { try #require($0["embedding"] as? [Double]) }
            #expect(data.map { $0["index"] as? Int } == [0, 1, 2, 3])
            for vector in vectors {
                #expect(vector.count == 32)
                let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(abs(norm - 1) < 1e-4)
            }
            #expect(vectors[0] == vectors[1])
            let similarity = zip(vectors[0], vectors[2]).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(similarity < 0.9)
            #expect((json["usage"] as? [String: Int])?["prompt_tokens"] == 6 + 6 + 3 + 1)

            let sized = try await SimulatorHarness.curl(url, json: #"{"model":"embed","input":"the cat sat on the mat","dimensions":32,"encoding_format":"base64"}"#)
            let encoded = try #require(((try sized.json()["data"] as? [[String: Any]])?.first?["embedding"]) as? String)
            let bytes = try #require(Data(base64Encoded: encoded))
            let floats = stride(from: 0, to: bytes.count, by: 4).map { offset in
                Float(bitPattern: bytes[offset..<offset + 4].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) })
            }
            #expect(floats.count == 32)
            #expect(zip(floats, vectors[0]).allSatisfy { abs(Double($0) - $1) < 1e-6 })
        }
    }

    @Test func modelsHealthAndStatsEndpoints() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(models: ["alpha", "beta"])) { server in
            let models = try await SimulatorHarness.curl(server.baseURL + "/v1/models")
            let ids = (try models.json()["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids == ["alpha", "beta"])
            #expect(try await SimulatorHarness.curl(server.baseURL + "/v1/models/beta").status == 200)
            #expect(try await SimulatorHarness.curl(server.baseURL + "/v1/models/gamma").status == 404)
            let health = try await SimulatorHarness.curl(server.baseURL + "/health")
            #expect(health.status == 200)
            #expect(try health.json()["status"] as? String == "ok")

            let body = SimulatorHarness.chatBody("count me", model: "alpha", #""seed":3"#)
            for _ in 0..<3 {
                _ = try await SimulatorHarness.curl(server.baseURL + "/v1/chat/completions", json: body)
            }
            _ = try await SimulatorHarness.curl(server.baseURL + "/v1/chat/completions", json: body, headers: ["x-sim-fault": "status=500"])

            let statsExchange = try await SimulatorHarness.curl(server.baseURL + "/sim/stats")
            let decoded = try JSONDecoder().decode(SimulatorStats.self, from: statsExchange.body)
            #expect(decoded == server.stats())
            #expect(decoded.totalRequests == 8)
            #expect(decoded.requests(path: "/v1/chat/completions") == 4)
            #expect(decoded.count(path: "/v1/chat/completions", status: 200) == 3)
            #expect(decoded.count(path: "/v1/chat/completions", status: 500) == 1)
            #expect(decoded.count(path: "/v1/models/gamma", status: 404) == 1)
            #expect(decoded.models == ["alpha": 3])
            #expect(decoded.seededRequests == 3)
            #expect(decoded.uniqueBodies == 5, "four distinct GETs and one chat body")
            #expect(decoded.repeatedBodies == 3)
            #expect(decoded.inFlight == 0)
            #expect(decoded.faults == ["status_500": 1])
            #expect(decoded.promptTokens == 6)

            #expect(try await SimulatorHarness.curl(server.baseURL + "/sim/reset", method: "POST").status == 200)
            #expect(server.stats() == SimulatorStats())
        }
    }

    @Test func apiKeyIsRequiredAndNeverEchoed() async throws {
        let key = "sk-sim-secret-123"
        try await SimulatorHarness.run(SimulatorConfiguration(apiKey: key)) { server in
            let url = server.baseURL + "/v1/chat/completions"
            let body = SimulatorHarness.chatBody("hi")
            let missing = try await SimulatorHarness.curl(url, json: body)
            #expect(missing.status == 401)
            #expect((try missing.json()["error"] as? [String: Any])?["code"] as? String == "invalid_api_key")

            let wrongKey = "sk-wrong-guess-456"
            for headers in [["authorization": "Bearer \(wrongKey)"], ["x-api-key": wrongKey], ["authorization": wrongKey]] {
                let wrong = try await SimulatorHarness.curl(url, json: body, headers: headers)
                #expect(wrong.status == 401)
                #expect(!wrong.text.contains(wrongKey))
                #expect(!wrong.text.contains(key))
                #expect(!wrong.headers.values.contains { $0.contains(wrongKey) || $0.contains(key) })
            }
            #expect(try await SimulatorHarness.curl(url, json: body, headers: ["authorization": "Bearer \(key)"]).status == 200)
            #expect(try await SimulatorHarness.curl(url, json: body, headers: ["x-api-key": key]).status == 200)
            let anthropic = try await SimulatorHarness.curl(
                server.baseURL + "/v1/messages", json: #"{"model":"c","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#,
                headers: ["x-api-key": wrongKey, "anthropic-version": "2023-06-01"]
            )
            #expect(anthropic.status == 401)
            #expect(((try anthropic.json()["error"]) as? [String: Any])?["type"] as? String == "authentication_error")
            #expect(try await SimulatorHarness.curl(server.baseURL + "/health").status == 200)
            #expect(try await SimulatorHarness.curl(server.baseURL + "/sim/stats").status == 200)
        }
    }

    @Test func largeBodiesGet100ContinueAndOversizedOnes413() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(maxBodyBytes: 3 << 20)) { server in
            let url = server.baseURL + "/v1/chat/completions"
            // curl asks `Expect: 100-continue` for bodies over 1 MB and waits for the interim answer.
            let large = SimulatorHarness.chatBody(String(repeating: "word ", count: 300_000), #""max_tokens":2"#)
            let exchange = try await SimulatorHarness.curl(url, json: large)
            #expect(exchange.status == 200)
            #expect(exchange.rawHeaders.contains("100 Continue"))
            #expect(try SimulatorHarness.ChatView(exchange).usage["prompt_tokens"] == 300_000)
            let oversized = SimulatorHarness.chatBody(String(repeating: "word ", count: 700_000))
            #expect(try await SimulatorHarness.curl(url, json: oversized).status == 413)
        }
    }
}
