import Foundation
import Testing
@testable import Prefab

/// `scripts/install` and the installed `prefab` run from a directory outside the checkout: it
/// finds its bundled data (rubrics, principles, the local-server script) beside its binary in
/// `PREFIX/share/prefab`, and keeps its state in the current directory's `.prefab`. Installs the
/// debug binaries the test run already built (`--from-build`), so nothing is compiled; no network.
///
/// The time limits guard against a hang, not a slow machine: a test's clock starts when it is
/// scheduled, and on a two-core CI machine it can wait minutes for a thread that other tests'
/// blocking process waits hold, so they are generous.
@Suite(.serialized) struct InstalledPrefabTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Ran {
        var status: Int32
        var stdout: String
        var stderr: String
        var summary: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    /// Runs `executable` in `directory` with output in files (no pipe can fill and block it).
    static func run(_ executable: String, _ arguments: [String], in directory: URL, environment: [String: String]) async throws -> Ran {
        let outputs = directory.appendingPathComponent(".out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outputs) }
        let stdoutFile = outputs.appendingPathComponent("stdout")
        let stderrFile = outputs.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
        await process.exited()
        return Ran(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "")
    }

    /// The test process's environment without anything that points Prefab at the checkout or a home.
    static var cleanEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["PREFAB_HOME", "PREFAB_LOCAL_SCRIPT", "PREFAB_BIN", "PREFAB_LOCAL_MODEL_ALIAS", "PREFAB_LOCAL_MODEL_FILE"] {
            environment[name] = nil
        }
        return environment
    }

    /// A scratch directory outside the checkout, removed afterwards.
    func withScratch(_ body: (URL) async throws -> Void) async throws {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("prefab-install-\(UUID().uuidString)", isDirectory: true).standardizedFileURL
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try await body(scratch)
    }

    static func install(prefix: URL) async throws -> Ran {
        let built = URL(fileURLWithPath: try SampleCommandTests.prefab()).deletingLastPathComponent().path
        return try await run(
            "/bin/bash", [root.appendingPathComponent("scripts/install").path, "--prefix", prefix.path, "--from-build", built],
            in: root, environment: cleanEnvironment)
    }

    @Test(.timeLimit(.minutes(10)))
    func installedPrefabFindsItsDataFromAnyDirectory() async throws {
        try await withScratch { scratch in
            let prefix = scratch.appendingPathComponent("prefix")
            let installed = try await Self.install(prefix: prefix)
            try #require(installed.status == 0, "\(installed.summary)")
            let share = prefix.appendingPathComponent("share/prefab")
            for path in ["bin/prefab", "bin/prefab-sim", "share/prefab/libexec/local"] {
                #expect(FileManager.default.isExecutableFile(atPath: prefix.appendingPathComponent(path).path), "\(path)")
            }
            for path in ["rubrics/templates", "rubrics/principles", "judges/ultrafeedback.yaml", "datasets/quickstart/prompts.jsonl", "configs/quickstart.yaml"] {
                #expect(FileManager.default.fileExists(atPath: share.appendingPathComponent(path).path), "\(path)")
            }

            let work = scratch.appendingPathComponent("work")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            let prefab = prefix.appendingPathComponent("bin/prefab").path
            let environment = Self.cleanEnvironment

            // status reads the state file under ./.prefab: nothing there.
            let status = try await Self.run(prefab, ["local", "status"], in: work, environment: environment)
            #expect(status.status == 3, "\(status.summary)")
            #expect(status.stdout.contains("not running") && status.stdout.contains("not installed"), "\(status.summary)")

            // stop runs the installed local-server script, which locks ./.prefab/local.
            let stop = try await Self.run(prefab, ["local", "stop"], in: work, environment: environment)
            #expect(stop.status == 0, "\(stop.summary)")
            #expect(stop.stderr.contains("not running"), "\(stop.summary)")
            #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent(".prefab/local").path))

            // The installed script on its own asks the installed prefab for the model's file name.
            let script = try await Self.run(share.appendingPathComponent("libexec/local").path, ["status"], in: work, environment: environment)
            #expect(script.status == 3, "\(script.summary)")
            #expect(script.stdout.contains("not installed"), "\(script.summary)")

            // A config with its own judges file and no rubrics/ anywhere near: the rubrics and the
            // principles come from the installed data.
            let project = work.appendingPathComponent("project")
            for path in ["configs/quickstart.yaml", "judges/ultrafeedback.yaml", "datasets/quickstart/prompts.jsonl"] {
                let target = project.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: share.appendingPathComponent(path), to: target)
            }
            let validate = try await Self.run(prefab, ["validate", "configs/quickstart.yaml"], in: project, environment: environment)
            #expect(validate.status == 0, "\(validate.summary)")
            #expect(validate.stdout.contains("valid"), "\(validate.summary)")
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func installingAgainReplacesTheInstall() async throws {
        try await withScratch { scratch in
            let prefix = scratch.appendingPathComponent("prefix")
            let first = try await Self.install(prefix: prefix)
            try #require(first.status == 0, "\(first.summary)")
            let stray = prefix.appendingPathComponent("share/prefab/rubrics/stray.yaml")
            try Data("x".utf8).write(to: stray)
            let second = try await Self.install(prefix: prefix)
            #expect(second.status == 0, "\(second.summary)")
            #expect(!FileManager.default.fileExists(atPath: stray.path))
            #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent("share/prefab/rubrics/templates").path))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: prefix.appendingPathComponent("share").path)
            #expect(leftovers == ["prefab"])
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func refusesToReplaceAShareDirectoryItDidNotInstall() async throws {
        try await withScratch { scratch in
            let prefix = scratch.appendingPathComponent("prefix")
            let foreign = prefix.appendingPathComponent("share/prefab/notes.txt")
            try FileManager.default.createDirectory(at: foreign.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("mine".utf8).write(to: foreign)
            let ran = try await Self.install(prefix: prefix)
            #expect(ran.status == 1, "\(ran.summary)")
            #expect(ran.stderr.contains("was not installed by this script"), "\(ran.summary)")
            #expect(FileManager.default.fileExists(atPath: foreign.path))
        }
    }

    @Test func missingBuildDirectoryIsReportedBeforeAnythingIsInstalled() async throws {
        try await withScratch { scratch in
            let prefix = scratch.appendingPathComponent("prefix")
            let ran = try await Self.run(
                "/bin/bash",
                [Self.root.appendingPathComponent("scripts/install").path, "--prefix", prefix.path, "--from-build", scratch.appendingPathComponent("nowhere").path],
                in: Self.root, environment: Self.cleanEnvironment)
            #expect(ran.status == 1, "\(ran.summary)")
            #expect(ran.stderr.contains("no such directory"), "\(ran.summary)")
            #expect(!FileManager.default.fileExists(atPath: prefix.path))
        }
    }
}
