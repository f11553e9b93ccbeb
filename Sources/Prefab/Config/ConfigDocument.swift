import Foundation
import Yams

/// A YAML config file, parsed once, that decodes `Codable` config types and locates every
/// problem: decoding errors and later checks (an unknown model name, a missing file) both come
/// out as a `ConfigError` with the file, line and column YAML recorded for that key.
///
/// Config types stay plain `Codable` (so the run config can embed the sampler's blocks as they
/// are); this type adds the locations, by walking the parsed node tree along an error's
/// coding path.
package struct ConfigDocument {
    /// The file as the user named it, for messages.
    package let file: String
    /// The directory relative paths in the document are resolved against.
    package let directory: URL
    package let root: Node

    /// Reads and parses `path`.
    package init(contentsOf path: String) throws(ConfigError) {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ConfigError(file: path, message: "cannot read the config file (\(Self.reason(error)))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "the config file is not valid UTF-8")
        }
        try self.init(yaml: text, file: path, directory: url.deletingLastPathComponent())
    }

    /// Parses `yaml`; `file` names it in messages and `directory` anchors its relative paths.
    package init(yaml: String, file: String, directory: URL? = nil) throws(ConfigError) {
        self.file = file
        self.directory = directory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw Self.locate(error, file: file)
        } catch {
            throw ConfigError(file: file, message: "cannot parse YAML (\(error))")
        }
        guard let node else {
            throw ConfigError(file: file, message: "the config file is empty")
        }
        root = node
    }

    /// Decodes the value at `path` (the whole document by default) as `T`.
    package func decode<T: Decodable>(_ type: T.Type, at path: [ConfigKey] = []) throws(ConfigError) -> T {
        guard let node = self.node(at: path) else {
            throw error(at: path, "missing")
        }
        do {
            return try YAMLDecoder().decode(type, from: node)
        } catch let decoding as DecodingError {
            throw locate(decoding, under: path)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw self.error(at: path, "\(error)")
        }
    }

    /// An error located at the key `path` (the nearest enclosing key that exists, when the
    /// path names something the document does not have).
    package func error(at path: [any CodingKey], _ message: String) -> ConfigError {
        let mark = self.mark(at: path)
        return ConfigError(
            file: file, line: mark?.line, column: mark?.column, path: ConfigKey.render(path), message: message)
    }

    /// `path` resolved against the document's directory, unless it is absolute.
    package func resolve(path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded }
        return directory.appendingPathComponent(expanded).standardizedFileURL.path
    }

    /// The node at `path`, when the document has one there.
    package func node(at path: [any CodingKey]) -> Node? {
        var node = root
        for key in path {
            guard let next = Self.child(of: node, key)?.value else { return nil }
            node = next
        }
        return node
    }

    /// The position of the key at the end of `path` (its key scalar for a mapping entry, the
    /// element for a list entry); the nearest existing ancestor's position when it is missing.
    package func mark(at path: [any CodingKey]) -> Mark? {
        var node = root
        var mark = root.mark
        for key in path {
            guard let (keyNode, value) = Self.child(of: node, key) else { break }
            mark = keyNode?.mark ?? value.mark ?? mark
            node = value
        }
        return mark
    }

    private static func child(of node: Node, _ key: any CodingKey) -> (key: Node?, value: Node)? {
        switch node {
        case .mapping(let mapping):
            for (k, v) in mapping where k.string == key.stringValue { return (k, v) }
            return nil
        case .sequence(let sequence):
            guard let index = key.intValue, sequence.indices.contains(index) else { return nil }
            return (nil, sequence[index])
        default:
            return nil
        }
    }

    private func locate(_ error: DecodingError, under prefix: [ConfigKey]) -> ConfigError {
        func at(_ context: DecodingError.Context) -> [any CodingKey] { prefix + context.codingPath }
        switch error {
        case .typeMismatch(let type, let context):
            let path = at(context)
            return self.error(at: path, "expected \(Self.describe(type)), found \(Self.describe(node(at: path)))")
        case .valueNotFound(let type, let context):
            return self.error(at: at(context), "expected \(Self.describe(type)), found nothing")
        case .keyNotFound(let key, let context):
            return self.error(at: at(context), "missing required key '\(key.stringValue)'")
        case .dataCorrupted(let context):
            return self.error(at: at(context), Self.plain(context.debugDescription))
        @unknown default:
            return self.error(at: prefix, "\(error)")
        }
    }

    /// Yams phrases some messages for programmers ("Expected to decode Int but found..."); keep
    /// ours and the config types' own messages as they are.
    private static func plain(_ message: String) -> String {
        message.isEmpty ? "invalid value" : message
    }

    private static func describe(_ type: Any.Type) -> String {
        let name = String(describing: type)
        switch name {
        case "String": return "a string"
        case "Int", "Int64", "Int32", "UInt64", "UInt32", "UInt": return "an integer"
        case "Double", "Float": return "a number"
        case "Bool": return "true or false"
        default:
            if name.contains("Scalar") { return "a single value" }
            if name.hasPrefix("Array") || name.hasPrefix("[") || name.contains("Sequence") { return "a list" }
            if name.hasPrefix("Dictionary") || name.contains("Mapping") || name.contains("Keyed") {
                return "a mapping"
            }
            return name
        }
    }

    private static func describe(_ node: Node?) -> String {
        switch node {
        case .none: return "nothing"
        case .scalar(let scalar)?: return "'\(scalar.string)'"
        case .mapping?: return "a mapping"
        case .sequence?: return "a list"
        case .alias?: return "an alias"
        }
    }

    private static func locate(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = context.map { "\(problem) (\($0.text))" } ?? problem
            return ConfigError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(text)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
        default:
            return ConfigError(file: file, message: "invalid YAML: \(error)")
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
