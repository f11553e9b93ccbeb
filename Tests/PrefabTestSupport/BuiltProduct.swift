import Foundation

/// The repository and the executables `swift build --build-tests` leaves beside the test bundle,
/// for tests that run `prefab` or `prefab-sim` the way a user does.
public enum BuiltProduct {
    /// The repository root (this file is `Tests/PrefabTestSupport/BuiltProduct.swift`).
    public static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    public struct Missing: Error, CustomStringConvertible {
        public let name: String
        public let searched: [String]
        public var description: String { "the \(name) binary is not built (run swift build --build-tests); looked in \(searched)" }
    }

    /// The built executable `name`: beside the test runner or in a folder above it up to
    /// `.build` (where SwiftPM puts products, whatever the configuration), else the repository's
    /// `.build/debug`.
    public static func path(_ name: String) throws -> String {
        let runner = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
        var candidates = [runner.deletingLastPathComponent().appendingPathComponent(name).path]
        var directory = runner
        while directory.path != "/" {
            directory.deleteLastPathComponent()
            candidates.append(directory.appendingPathComponent(name).path)
            if directory.lastPathComponent == ".build" { break }
        }
        candidates.append(repositoryRoot + "/.build/debug/" + name)
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Missing(name: name, searched: candidates)
        }
        return found
    }
}
