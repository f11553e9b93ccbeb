import Foundation
import Yams

/// A config as it may be shown to others (the dataset card prints the run's config): the YAML as
/// written, keys in their order, with what could be a credential replaced by `<redacted>`:
///
/// - every value under a `headers:` mapping (the header names stay: they say what was sent);
/// - the value of any key that names a secret (`api_key`, `token`, `password`, `*_secret`,
///   `*_key`, `*_token`...), but not `api_key_env` and other `*_env` keys, which hold the NAME of
///   an environment variable, never its value;
/// - the user and password of a URL (`https://user:pass@host`) and its query string, where
///   gateways put keys.
///
/// Prefab refuses credentials in headers and reads keys only from the environment, so a config
/// should hold none; this is for the one that does anyway, since a card is made to be published.
package enum ConfigRedaction {
    package static let placeholder = "<redacted>"

    /// The document's YAML with secrets replaced; the text of `document` as parsed if the YAML
    /// emitter fails (it does not for a document it parsed).
    package static func yaml(_ document: ConfigDocument) -> String {
        (try? Yams.serialize(node: redact(document.root), allowUnicode: true)) ?? "# (the config could not be shown)\n"
    }

    /// `node` with every secret value replaced.
    package static func redact(_ node: Node, under key: String? = nil) -> Node {
        switch node {
        case .scalar(var scalar):
            if let key, isSecret(key: key) {
                scalar.string = placeholder
            } else {
                scalar.string = redactURL(scalar.string)
            }
            return .scalar(scalar)
        case .mapping(let mapping):
            let headers = key?.lowercased() == "headers"
            let pairs = mapping.map { pair -> (Node, Node) in
                let name = pair.key.string ?? ""
                if headers { return (pair.key, replaceAll(pair.value)) }
                return (pair.key, redact(pair.value, under: name))
            }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style))
        case .sequence(let sequence):
            return .sequence(Node.Sequence(sequence.map { redact($0, under: key) }, sequence.tag, sequence.style))
        case .alias:
            return node
        }
    }

    /// Every scalar in `node` replaced: a header's value, however it is written.
    private static func replaceAll(_ node: Node) -> Node {
        switch node {
        case .scalar(var scalar):
            scalar.string = placeholder
            return .scalar(scalar)
        case .mapping(let mapping):
            return .mapping(Node.Mapping(mapping.map { ($0.key, replaceAll($0.value)) }, mapping.tag, mapping.style))
        case .sequence(let sequence):
            return .sequence(Node.Sequence(sequence.map(replaceAll), sequence.tag, sequence.style))
        case .alias:
            return .scalar(Node.Scalar(placeholder))
        }
    }

    /// Whether a key's value is a credential. `*_env` keys name a variable and are kept.
    package static func isSecret(key: String) -> Bool {
        let name = key.lowercased().replacingOccurrences(of: "-", with: "_")
        if name.hasSuffix("_env") { return false }
        if secretNames.contains(name) { return true }
        return secretSuffixes.contains { name.hasSuffix($0) } || name.contains("password") || name.contains("secret")
    }

    private static let secretNames: Set<String> = [
        "key", "apikey", "api_key", "token", "access_token", "auth", "authorization", "bearer", "password", "secret",
        "credentials", "cookie",
    ]
    private static let secretSuffixes = ["_key", "_token", "_secret", "_password", "_credentials"]

    /// A URL without its user, password and query; any other text as it is.
    package static func redactURL(_ text: String) -> String {
        let lowered = text.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"),
              var components = URLComponents(string: text)
        else { return text }
        var changed = false
        if components.user != nil || components.password != nil {
            components.user = nil
            components.password = nil
            changed = true
        }
        if components.query != nil {
            components.query = nil
            changed = true
        }
        guard changed, let bare = components.string else { return text }
        // The redaction shows where the user or query was, so a reader knows it was there.
        var result = bare
        if text.contains("@"), let scheme = components.scheme {
            result = result.replacingOccurrences(of: "\(scheme)://", with: "\(scheme)://\(placeholder)@")
        }
        if text.contains("?") { result += "?\(placeholder)" }
        return result
    }
}
