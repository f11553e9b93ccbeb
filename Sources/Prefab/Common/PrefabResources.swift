import Foundation

/// Where Prefab's bundled data lives: `rubrics/` (with `rubrics/principles/` and
/// `rubrics/templates/`), `judges/`, `datasets/`, `configs/`, and the local-server script.
///
/// The one place that answers "where is the bundled data", so an installed `prefab` works from
/// any directory, not only from its source checkout. Searched in this order:
///
/// 1. installed: `<bin>/../share/prefab/` beside the running executable, as `scripts/install`
///    lays it out (the script is `share/prefab/libexec/local` there);
/// 2. a source checkout (a directory with a `Package.swift` for Prefab and `rubrics/`) holding the
///    executable (`.build/<config>/prefab`, the test runner) or the current directory, or above
///    either (the script is `scripts/local` there).
///
/// Files a config names are still resolved from the config (`RubricLibrary.find` looks beside
/// and above it first); this is the fallback when nothing there has them.
package struct PrefabResources: Sendable, Hashable {
    /// How the data was found.
    package enum Origin: String, Sendable, Hashable {
        /// `<prefix>/share/prefab`, installed by `scripts/install`.
        case installed
        /// The repository root of a source checkout.
        case checkout
    }

    /// The directory that holds `rubrics/`, `judges/`, `datasets/` and `configs/`.
    package let root: URL
    package let origin: Origin

    package init(root: URL, origin: Origin) {
        self.root = root.standardizedFileURL
        self.origin = origin
    }

    package var rubrics: URL { root.appendingPathComponent("rubrics", isDirectory: true) }
    package var principles: URL { rubrics.appendingPathComponent("principles", isDirectory: true) }
    package var judges: URL { root.appendingPathComponent("judges", isDirectory: true) }
    package var datasets: URL { root.appendingPathComponent("datasets", isDirectory: true) }
    package var configs: URL { root.appendingPathComponent("configs", isDirectory: true) }

    /// The script that installs, starts and stops the local model server.
    package var localScript: URL {
        switch origin {
        case .installed: root.appendingPathComponent("libexec/local")
        case .checkout: root.appendingPathComponent("scripts/local")
        }
    }

    /// The installed layout's data directory under a prefix: `PREFIX/share/prefab`.
    package static let installedDirectory = "share/prefab"

    /// The bundled data for this process: installed beside `executable`, else a checkout holding
    /// `executable` or `currentDirectory` or above either.
    package static func locate(
        executable: URL? = currentExecutable,
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    ) throws(PrefabResourcesError) -> PrefabResources {
        let binDirectory = executable?.deletingLastPathComponent()
        if let binDirectory, let installed = installed(besideBinDirectory: binDirectory) { return installed }
        let starts = [binDirectory, currentDirectory].compactMap { $0 }
        for start in starts {
            if let checkout = checkout(atOrAbove: start) { return checkout }
        }
        var searched = binDirectory.map {
            [$0.deletingLastPathComponent().appendingPathComponent(installedDirectory).standardizedFileURL.path]
        } ?? []
        searched += starts.map { "\($0.standardizedFileURL.path) and its parents (a Prefab checkout)" }
        throw .notFound(searched: searched)
    }

    /// `<bin>/../share/prefab` when it holds `rubrics/`.
    static func installed(besideBinDirectory bin: URL) -> PrefabResources? {
        let root = bin.appendingPathComponent("..").appendingPathComponent(installedDirectory).standardizedFileURL
        return isDirectory(root.appendingPathComponent("rubrics")) ? PrefabResources(root: root, origin: .installed) : nil
    }

    /// The nearest Prefab checkout at or above `start`.
    static func checkout(atOrAbove start: URL) -> PrefabResources? {
        var directory = start.standardizedFileURL
        while true {
            let manifest = directory.appendingPathComponent("Package.swift")
            if isDirectory(directory.appendingPathComponent("rubrics")),
               let text = try? String(contentsOf: manifest, encoding: .utf8), text.contains("name: \"Prefab\"") {
                return PrefabResources(root: directory, origin: .checkout)
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { return nil }
            directory = parent
        }
    }

    /// The running executable with symbolic links resolved (so `~/bin/prefab` linking to an
    /// install finds that install's data).
    package static var currentExecutable: URL? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        guard let first = CommandLine.arguments.first, !first.isEmpty else { return nil }
        return URL(fileURLWithPath: first).resolvingSymlinksInPath()
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// Why Prefab's bundled data could not be found.
package enum PrefabResourcesError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFound(searched: [String])

    package var description: String {
        switch self {
        case .notFound(let searched):
            "cannot find Prefab's bundled data (rubrics/, judges/, datasets/, configs/, the local-server script); "
                + "looked in: \(searched.joined(separator: "; ")). Install prefab with scripts/install "
                + "(it puts them in PREFIX/share/prefab beside PREFIX/bin/prefab) or run it from its source checkout"
        }
    }
}
