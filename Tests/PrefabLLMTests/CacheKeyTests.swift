import Foundation
import PrefabShards
import Testing
@testable import PrefabLLM

/// What the response cache's key depends on, and what it must not.
@Suite struct CacheKeyTests {
    let identity = ModelIdentity(
        provider: "openai-compatible", baseURL: "http://h/v1", model: "m",
        defaults: GenerationParameters(temperature: 0.7))

    private func key(_ request: ChatRequest, _ identity: ModelIdentity? = nil) -> String {
        CacheKey.chat(request, identity: identity ?? self.identity)
    }

    @Test func theSameRequestAlwaysGivesTheSameKey() {
        let request = ChatRequest(messages: [.user("hi")], parameters: GenerationParameters(seed: 1, stop: ["x"]))
        #expect(key(request) == key(request))
        #expect(key(request).count == 64)
    }

    @Test func everyAnswerShapingFieldChangesTheKey() {
        let base = ChatRequest(messages: [.user("hi")], parameters: GenerationParameters(seed: 1))
        var variants: [ChatRequest] = []
        var changed = base; changed.messages = [.user("hi!")]; variants.append(changed)
        changed = base; changed.messages = [.system("s"), .user("hi")]; variants.append(changed)
        changed = base; changed.model = "other"; variants.append(changed)
        changed = base; changed.sampleIndex = 1; variants.append(changed)
        changed = base; changed.parameters.seed = 2; variants.append(changed)
        changed = base; changed.parameters.temperature = 0.2; variants.append(changed)
        changed = base; changed.parameters.topP = 0.9; variants.append(changed)
        changed = base; changed.parameters.maxTokens = 10; variants.append(changed)
        changed = base; changed.parameters.n = 2; variants.append(changed)
        changed = base; changed.parameters.stop = ["."]; variants.append(changed)
        changed = base; changed.parameters.logprobs = true; variants.append(changed)
        changed = base; changed.parameters.responseFormat = .jsonObject; variants.append(changed)
        changed = base; changed.parameters.extra = ["top_k": .int(5)]; variants.append(changed)

        let keys = Set([key(base)] + variants.map { key($0) })
        #expect(keys.count == variants.count + 1)

        var otherURL = identity; otherURL.baseURL = "http://other/v1"
        var otherProvider = identity; otherProvider.provider = "anthropic"
        #expect(key(base, otherURL) != key(base))
        #expect(key(base, otherProvider) != key(base))
    }

    @Test func endpointDefaultsCountAsIfTheRequestHadSetThem() {
        let implicit = ChatRequest(messages: [.user("hi")])
        let explicit = ChatRequest(messages: [.user("hi")], parameters: GenerationParameters(temperature: 0.7))
        #expect(key(implicit) == key(explicit))
    }

    @Test func theKeyDoesNotDependOnTheAPIKey() throws {
        let configuration = EndpointConfiguration(
            name: "e", provider: .openAICompatible, baseURL: "http://h/v1", model: "m", apiKeyEnv: "K")
        let first = try EndpointClient(configuration: configuration, environment: ["K": "sk-one"])
        let second = try EndpointClient(configuration: configuration, environment: ["K": "sk-two"])
        let request = ChatRequest(messages: [.user("hi")])
        #expect(CacheKey.chat(request, identity: first.identity) == CacheKey.chat(request, identity: second.identity))
        let canonical = String(decoding: CacheKey.canonicalChat(request, identity: first.identity), as: UTF8.self)
        #expect(!canonical.contains("sk-one"))
    }

    @Test func theOrderExtraParametersAndSchemaMembersWereWrittenInDoesNotMatter() {
        let schema: JSONValue = ["type": "object", "properties": ["b": ["type": "integer", "maxLength": 200], "a": ["type": "string"]]]
        let reordered: JSONValue = ["properties": ["a": ["type": "string"], "b": ["maxLength": 200, "type": "integer"]], "type": "object"]
        let first = ChatRequest(messages: [.user("hi")], parameters: GenerationParameters(
            responseFormat: .jsonSchema(name: "r", schema: schema, strict: true), extra: ["top_k": 40, "min_p": 0.05]))
        let second = ChatRequest(messages: [.user("hi")], parameters: GenerationParameters(
            responseFormat: .jsonSchema(name: "r", schema: reordered, strict: true), extra: ["min_p": 0.05, "top_k": 40]))
        #expect(key(first) == key(second))
        let canonical = String(decoding: CacheKey.canonicalChat(first, identity: identity), as: UTF8.self)
        #expect(canonical.contains(#""extra":{"min_p":0.05,"top_k":40}"#))
        #expect(canonical.contains(#""b":{"maxLength":200,"type":"integer"}"#))
    }

    @Test func theCanonicalFormIsPinned() {
        let request = ChatRequest(messages: [.user("hi")], parameters: GenerationParameters(seed: 3))
        let canonical = String(decoding: CacheKey.canonicalChat(request, identity: identity), as: UTF8.self)
        #expect(canonical == #"{"base_url":"http://h/v1","kind":"chat","messages":[{"content":"hi","role":"user"}],"model":"m","parameters":{"seed":3,"temperature":0.7},"provider":"openai-compatible","sample_index":0,"version":1}"#)
    }

    /// The key is written straight in sorted key order (fast enough for batch files at 100,000
    /// requests a second); it must be byte for byte the canonical text of the object it stands
    /// for, whatever the request holds.
    @Test func theDirectlyWrittenKeyTextIsTheCanonicalObjectsText() {
        let schema: JSONValue = ["type": "object", "properties": ["b": ["type": "integer", "maxLength": 200], "a": ["type": "string"]]]
        var requests: [ChatRequest] = [
            ChatRequest(messages: [], parameters: GenerationParameters()),
            ChatRequest(messages: [.user("hi")], parameters: GenerationParameters(seed: 3)),
            ChatRequest(
                messages: [.system("Be \"exact\"\n\tand brief \u{1}"), .user("Ünïcödé 日本 🙂 \\ /"), ChatMessage(role: "assistant", content: "")],
                parameters: GenerationParameters(
                    temperature: 1e-5, topP: 0.95, maxTokens: 4096, n: 3, seed: -7, stop: ["\n\n", "END"], logprobs: false,
                    topLogprobs: 2, responseFormat: .jsonSchema(name: "r\"x", schema: schema, strict: false),
                    extra: ["top_k": 40, "min_p": 0.05, "nested": ["z": [1, 2.5, .null], "a": true]]),
                sampleIndex: 12),
        ]
        requests[0].model = "override"
        for format in [ResponseFormat.text, .jsonObject] {
            requests.append(ChatRequest(messages: [.user("x")], parameters: GenerationParameters(temperature: 2, responseFormat: format)))
        }
        for request in requests {
            for identity in [identity, ModelIdentity(provider: "anthropic", baseURL: "https://a/\"v1", model: "c", defaults: GenerationParameters())] {
                #expect(CacheKey.canonicalChat(request, identity: identity) == CacheKey.referenceCanonicalChat(request, identity: identity))
                for choice in [0, 3] {
                    #expect(CacheKey.canonicalChat(request, identity: identity, choice: choice)
                        == CacheKey.referenceCanonicalChat(request, identity: identity, choice: choice))
                }
            }
        }
    }

    /// Each answer of an Anthropic call with `n` > 1 has a key of its own, never another
    /// request's key.
    @Test func eachAnswerOfACallWithSeveralHasItsOwnKey() {
        let request = ChatRequest(messages: [.user("hi")], parameters: GenerationParameters(n: 2))
        var single = request
        single.parameters.n = 1
        let keys = [key(request), key(single)] + (0..<2).map { CacheKey.chatChoice(request, identity: identity, choice: $0) }
        #expect(Set(keys).count == 4)
    }
}
