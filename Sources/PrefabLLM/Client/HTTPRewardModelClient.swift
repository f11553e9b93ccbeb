import Foundation
import PrefabShards

/// A reward-model endpoint over the shared HTTP engine: `POST base_url + path` with a JSON body,
/// the API key from the endpoint's `api_key_env`, transient failures retried with the
/// endpoint's retry policy.
///
/// Reward-model answers are not cached yet: `ResponseCache.Entry` has no public initializer.
///
/// The key is sent as `Authorization: Bearer` and never appears in errors: messages name the
/// endpoint, the status and the server's reply with the key scrubbed out.
public final class HTTPRewardModelClient: RewardModelClient {
    public let configuration: EndpointConfiguration
    public let url: String
    private let engine: HTTPEngine
    private let key: String?

    public init(
        configuration: EndpointConfiguration, path: String = "", engine: HTTPEngine = .shared,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(EndpointError) {
        self.configuration = configuration
        self.engine = engine
        var base = configuration.baseURL
        if configuration.provider == .local, base == nil { base = try LocalServerState.load(environment: environment).baseURL }
        guard var base, !base.isEmpty else {
            throw .invalidConfiguration(endpoint: configuration.name, message: "base_url: required for a reward-model endpoint")
        }
        while base.hasSuffix("/") { base.removeLast() }
        url = base + path
        if let variable = configuration.apiKeyEnv {
            guard let value = environment[variable], !value.isEmpty else {
                throw .missingAPIKey(endpoint: configuration.name, variable: variable)
            }
            key = value
        } else {
            key = nil
        }
    }

    public func post(_ body: JSONValue) async throws -> RewardModelResponse {
        let bytes = Data(body.canonicalBytes())
        var headers = configuration.headers
        headers["Content-Type"] = "application/json"
        headers["Accept"] = "application/json"
        if let key { headers["Authorization"] = "Bearer \(key)" }
        let request = HTTPRequest(
            method: .post, url: url, headers: headers, body: bytes, connectTimeout: configuration.timeouts.connect,
            timeout: configuration.timeouts.request)
        var attempt = 0
        while true {
            attempt += 1
            var failure: EndpointError
            do {
                let response = try await engine.send(request)
                if (200..<300).contains(response.status) {
                    let raw = String(decoding: response.body.prefix(4096), as: UTF8.self)
                    guard let json = try? JSONValue(parsing: response.body) else {
                        failure = .malformedResponse(endpoint: configuration.name, detail: "not JSON: \(scrub(raw))")
                        throw failure
                    }
                    return RewardModelResponse(json: json, raw: scrub(raw))
                }
                failure = .http(
                    endpoint: configuration.name, status: response.status,
                    message: scrub(String(decoding: response.body.prefix(500), as: UTF8.self)))
            } catch let error as TransportError {
                failure = .transport(endpoint: configuration.name, error)
            } catch let error as EndpointError {
                failure = error
            }
            guard failure.isTransient, attempt < configuration.retry.maxAttempts else {
                if attempt > 1 { throw EndpointError.retriesExhausted(endpoint: configuration.name, attempts: attempt, last: failure) }
                throw failure
            }
            let ceiling = min(configuration.retry.maxDelay, configuration.retry.initialDelay * Double(1 << min(attempt - 1, 20)))
            try await Task.sleep(for: .milliseconds(Int64((ceiling * Double.random(in: 0...1) * 1000).rounded())))
        }
    }

    private func scrub(_ text: String) -> String {
        guard let key, !key.isEmpty else { return text }
        return text.replacingOccurrences(of: key, with: "<redacted>")
    }
}
