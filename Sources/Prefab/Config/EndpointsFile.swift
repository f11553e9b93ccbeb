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

    /// Reads the file and checks the list as every endpoints list is checked
    /// (`EndpointSet.validate`), reporting a problem at its line.
    public static func load(file: String) throws(ConfigError) -> [EndpointConfiguration] {
        let document = try ConfigDocument(contentsOf: file)
        let endpoints = try document.decode(Document.self).endpoints
        try document.validate(endpoints: endpoints, at: [ConfigKey(stringValue: "endpoints")])
        return endpoints
    }
}

extension ConfigDocument {
    /// Checks an endpoints list found at `path` in this document, as `EndpointSet` would, and
    /// reports the first problem at its line.
    func validate(endpoints: [EndpointConfiguration], at path: [ConfigKey]) throws(ConfigError) {
        do {
            try EndpointSet.validate(endpoints)
        } catch {
            var at = path
            if let index = error.index { at.append(ConfigKey(intValue: index)) }
            if case .duplicateName = error { at.append(ConfigKey(stringValue: "name")) }
            throw self.error(at: at, error.description)
        }
    }
}
