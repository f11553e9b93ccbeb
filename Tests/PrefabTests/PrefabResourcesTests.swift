import Foundation
import Testing
@testable import Prefab

/// Where the bundled data is found: installed beside the executable first, then a source
/// checkout above the executable or the current directory.
@Suite struct PrefabResourcesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func withScratch(_ body: (URL) throws -> Void) throws {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("prefab-resources-\(UUID().uuidString)", isDirectory: true).standardizedFileURL
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try body(scratch)
    }

    @Test func theInstalledDataBesideTheExecutableComesFirst() throws {
        try withScratch { scratch in
            let share = scratch.appendingPathComponent("prefix/share/prefab")
            try FileManager.default.createDirectory(at: share.appendingPathComponent("rubrics"), withIntermediateDirectories: true)
            let resources = try PrefabResources.locate(
                executable: scratch.appendingPathComponent("prefix/bin/prefab"), currentDirectory: Self.root)
            #expect(resources == PrefabResources(root: share, origin: .installed))
            #expect(resources.localScript.path == share.path + "/libexec/local")
            #expect(resources.principles.path == share.path + "/rubrics/principles")
        }
    }

    @Test func aCheckoutAboveTheCurrentDirectoryIsTheFallback() throws {
        try withScratch { scratch in
            let resources = try PrefabResources.locate(
                executable: scratch.appendingPathComponent("bin/prefab"),
                currentDirectory: Self.root.appendingPathComponent("Sources/Prefab"))
            #expect(resources == PrefabResources(root: Self.root, origin: .checkout))
            #expect(resources.localScript.path == Self.root.standardizedFileURL.path + "/scripts/local")
        }
    }

    @Test func theTestRunnerFindsItsCheckout() throws {
        let resources = try PrefabResources.locate(currentDirectory: URL(fileURLWithPath: "/"))
        #expect(resources.root == Self.root.standardizedFileURL)
        #expect(resources.origin == .checkout)
    }

    @Test func nothingFoundSaysWhereItLookedAndWhatToDo() throws {
        try withScratch { scratch in
            #expect {
                try PrefabResources.locate(executable: scratch.appendingPathComponent("bin/prefab"), currentDirectory: scratch)
            } throws: { error in
                let message = String(describing: error)
                return message.contains(scratch.path + "/share/prefab") && message.contains("scripts/install")
            }
        }
    }

    /// A judges file with no rubrics/ near it still loads, with the bundled rubrics.
    @Test func rubricsFallBackToTheBundledOnes() throws {
        try withScratch { scratch in
            let library = try #require(RubricLibrary.find(from: scratch.appendingPathComponent("judges.yaml").path))
            #expect(library.directory == Self.root.appendingPathComponent("rubrics").standardizedFileURL.path)
        }
    }
}
