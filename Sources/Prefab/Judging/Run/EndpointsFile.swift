import Foundation

/// The endpoints `prefab judge` and `prefab eval-judges` call: the `endpoints:` block of a YAML
/// file (a run config works as it is; its other keys are ignored).
///
/// ```yaml
/// endpoints:
///   - {name: judge, provider: local}
///   - {name: judge_b, provider: openai-compatible, base_url: http://127.0.0.1:8000/v1, model: qwen2.5-7b}
/// ```
public enum EndpointsFile {
    /// What the bundled ensembles' `endpoint: judge` means without a file: the local llama.cpp server.
    public static let defaultEndpoints = [EndpointConfiguration(name: "judge", provider: .local)]

    private struct Document: Decodable {
        var endpoints: [EndpointConfiguration]
    }

    /// Reads and checks the file: names unique, every endpoint valid.
    public static func load(file: String) throws(ConfigError) -> [EndpointConfiguration] {
        let document = try ConfigDocument(contentsOf: file)
        let endpoints = try document.decode(Document.self).endpoints
        var seen: Set<String> = []
        for (index, endpoint) in endpoints.enumerated() {
            let path = [ConfigKey(stringValue: "endpoints"), ConfigKey(intValue: index)]
            guard seen.insert(endpoint.name).inserted else {
                throw document.error(at: path + [ConfigKey(stringValue: "name")], "endpoint name '\(endpoint.name)' is used twice")
            }
            do {
                try endpoint.validate()
            } catch {
                throw document.error(at: path, error.description)
            }
        }
        return endpoints
    }

    /// Opens (creating it and its directory if needed) the response cache at `path`, or at the
    /// default place when nil: what `prefab sample`, `judge`, `report` and `run` share.
    public static func openCache(path: String? = nil) throws(ResponseCacheError) -> ResponseCache {
        let path = path ?? defaultCachePath()
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        return try ResponseCache(path: path)
    }

    /// The response cache's default place: `cache.sqlite` in the Prefab home (`PrefabHome`).
    public static func defaultCachePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        PrefabHome.resolve(environment: environment).cachePath
    }
}
