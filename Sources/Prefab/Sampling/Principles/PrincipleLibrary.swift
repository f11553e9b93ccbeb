import Foundation

/// The principles a run can draw from, by name: every `*.yaml` file of a directory (normally the
/// bundled `rubrics/principles/`), plus the reserved `none`.
public struct PrincipleLibrary: Hashable, Sendable {
    public private(set) var principles: [String: Principle]

    public init(_ principles: [Principle]) {
        var byName: [String: Principle] = [Principle.noneName: .none]
        for principle in principles { byName[principle.name] = principle }
        self.principles = byName
    }

    public subscript(name: String) -> Principle? { principles[name] }

    /// Names in a fixed order (sorted), so anything drawn over them is reproducible.
    public var names: [String] { principles.keys.sorted() }

    /// Loads every `.yaml`/`.yml` file in `directory`; two files naming the same principle are
    /// an error, as is a directory with no principle at all.
    public static func load(directory: String) throws(ConfigError) -> PrincipleLibrary {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .sorted()
        } catch {
            throw ConfigError(file: directory, message: "cannot list the principles directory")
        }
        if files.isEmpty {
            throw ConfigError(file: directory, message: "no principle files (*.yaml) in this directory")
        }
        var loaded: [Principle] = []
        var origin: [String: String] = [:]
        for name in files {
            let path = (directory as NSString).appendingPathComponent(name)
            let document = try ConfigDocument(contentsOf: path)
            let principle = try document.decode(Principle.self)
            if let first = origin[principle.name] {
                throw document.error(
                    at: [ConfigKey(stringValue: "name")], "principle '\(principle.name)' is already defined in \(first)")
            }
            origin[principle.name] = path
            loaded.append(principle)
        }
        return PrincipleLibrary(loaded)
    }
}
