import Foundation

/// The rubric files and judge templates of a `rubrics/` directory, loaded on demand and kept.
public struct RubricLibrary: Sendable {
    /// The `rubrics/` directory.
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// `rubrics/` beside `start` (a file or directory), in a directory above it, or in the
    /// current directory: how a bundled ensemble finds the bundled rubrics. Else Prefab's own
    /// (`PrefabResources`: installed, or the source checkout), so an ensemble file copied
    /// anywhere still loads with an installed `prefab`.
    public static func find(from start: String) -> RubricLibrary? {
        var url = URL(fileURLWithPath: start).standardizedFileURL
        if !Self.isDirectory(url.path) { url = url.deletingLastPathComponent() }
        while true {
            let candidate = url.appendingPathComponent("rubrics")
            if Self.isDirectory(candidate.appendingPathComponent("templates").path) { return RubricLibrary(directory: candidate.path) }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
        }
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("rubrics")
        if Self.isDirectory(current.appendingPathComponent("templates").path) { return RubricLibrary(directory: current.path) }
        guard let bundled = try? PrefabResources.locate().rubrics,
              Self.isDirectory(bundled.appendingPathComponent("templates").path)
        else { return nil }
        return RubricLibrary(directory: bundled.path)
    }

    package func rubric(named name: String) throws(JudgeSetupError) -> Rubric {
        let path = (directory as NSString).appendingPathComponent(name + ".yaml")
        guard FileManager.default.fileExists(atPath: path) else { throw .missingRubric(name: name, directory: directory) }
        do {
            return try Rubric.load(file: path)
        } catch {
            throw .config(error)
        }
    }

    /// A template by name (`rubrics/templates/NAME.mustache`), or by a path (containing `/` or
    /// ending in `.mustache`) relative to `relativeTo`.
    package func template(_ reference: String, relativeTo base: String) throws(JudgeSetupError) -> JudgeTemplate {
        let path: String
        if reference.contains("/") || reference.hasSuffix(".mustache") {
            path = reference.hasPrefix("/") ? reference : (base as NSString).appendingPathComponent(reference)
        } else {
            path = ((directory as NSString).appendingPathComponent("templates") as NSString).appendingPathComponent(reference + ".mustache")
        }
        return try JudgeTemplate.load(name: reference, path: path)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
