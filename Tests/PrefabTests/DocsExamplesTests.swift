import Foundation
import PrefabTestSupport
import Testing

@testable import Prefab

/// The examples in `README.md` and `docs/*.md`, checked so they cannot rot. The conventions are
/// in docs/testing.md ("Tested documentation"):
///
/// - every ```yaml block that is a run config, a sampling config, a judge ensemble, an
///   `endpoints:` list or one endpoint loads with Prefab's own loaders; `<!-- example: fragment -->`
///   on the line before the fence skips a block, `<!-- example: invalid -->` makes it a block that
///   must be rejected, `root` places it at the repository root instead of `configs/`;
/// - every ```sh / ```console block marked `<!-- example: run -->` runs with bash in a fresh
///   temporary directory (`prefab` and `prefab-sim` on `PATH`, `$PREFAB_REPO` the repository) and
///   exits 0; `run sim` also gets a `prefab-sim` at `$PREFAB_SIM_URL`;
/// - `<!-- example: local-model -->` blocks are left to `DocsLocalModelExamplesTests`.
@Suite struct DocsExamplesTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let blocks: [DocsBlock] = (try? DocsBlock.all(in: repository)) ?? []
    static let yamlBlocks = blocks.filter { $0.language == "yaml" && !$0.markers.contains("fragment") }
    static let runBlocks = blocks.filter { ["sh", "console", "bash"].contains($0.language) && $0.markers.contains("run") }

    @Test func pagesAreFoundAndMarkersAreKnown() throws {
        let blocks = try DocsBlock.all(in: Self.repository)
        #expect(Set(blocks.map(\.file)).contains("README.md"))
        #expect(blocks.contains { $0.file == "docs/configuration.md" && $0.language == "yaml" })
        #expect(Self.yamlBlocks.count >= 5, "YAML examples checked: \(Self.yamlBlocks.count)")
        #expect(Self.runBlocks.count >= 3, "shell examples run: \(Self.runBlocks.count)")
        let known: Set<String> = ["fragment", "invalid", "root", "run", "sim", "local-model"]
        for block in blocks {
            let unknown = block.markers.subtracting(known)
            #expect(unknown.isEmpty, "\(block): unknown example marker(s) \(unknown.sorted())")
            let shell = ["sh", "console", "bash"].contains(block.language)
            if !block.markers.isDisjoint(with: ["run", "sim", "local-model"]) {
                #expect(shell, "\(block): run and local-model are for sh/console blocks")
            }
            if !block.markers.isDisjoint(with: ["fragment", "invalid", "root"]) {
                #expect(block.language == "yaml", "\(block): fragment, invalid and root are for yaml blocks")
            }
        }
    }

    @Test(arguments: yamlBlocks) func yamlExampleLoads(_ block: DocsBlock) throws {
        let directory = block.markers.contains("root") ? Self.repository : Self.repository.appendingPathComponent("configs")
        let file = directory.appendingPathComponent(".docs-example-\(UUID().uuidString).yaml").path
        try block.text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let outcome: Result<String, any Error>
        do {
            outcome = .success(try Self.load(file))
        } catch let error as UnclassifiedExample {
            Issue.record("\(block): \(error.message)")
            return
        } catch {
            outcome = .failure(error)
        }
        switch (outcome, block.markers.contains("invalid")) {
        case (.success(let kind), true):
            Issue.record("\(block): marked invalid, but it loads as \(kind)")
        case (.failure(let error), false):
            Issue.record("\(block): \(error)")
        default:
            break
        }
    }

    @Test(.serialized, arguments: runBlocks) func shellExampleRuns(_ block: DocsBlock) async throws {
        let result = try await DocsExampleRunner(repository: Self.repository).run(block, timeout: 120)
        #expect(result.status == 0, "\(block) exited \(result.status):\n\(block.script)\n--- output ---\n\(result.output)")
    }

    struct UnclassifiedExample: Error {
        var message: String
    }

    /// Loads `file` with the loader its top-level keys call for; returns what it was.
    static func load(_ file: String) throws -> String {
        let document = try ConfigDocument(contentsOf: file)
        func has(_ key: String) -> Bool { document.node(at: [ConfigKey(stringValue: key)]) != nil }
        let judgesIsAFile = (try? document.decode(String.self, at: [ConfigKey(stringValue: "judges")])) != nil
        if has("endpoints") && has("pool") {
            if has("judges") || has("pairing") || has("window") {
                _ = try RunSetup.load(file: file, environment: [:])
                return "a run config"
            }
            _ = try SamplingSetup.load(file: file)
            return "a sampling config"
        }
        if has("judges") && !judgesIsAFile {
            let configuration = try document.decode(EnsembleConfiguration.self)
            let names = Set(configuration.judges.compactMap(\.endpoint))
            let endpoints = names.sorted().map {
                EndpointConfiguration(name: $0, provider: .openAICompatible, baseURL: "http://127.0.0.1:9/v1", model: "docs")
            }
            _ = try JudgeEnsemble.load(file: file, endpoints: EndpointSet(endpoints, environment: [:]))
            return "a judge ensemble"
        }
        if has("endpoints") {
            if has("diversity") {
                _ = try RunDiversityConfiguration.read(from: document)
                return "endpoints with a diversity block"
            }
            _ = try EndpointsFile.load(file: file)
            return "an endpoints list"
        }
        if has("name") && has("provider") {
            try document.decode(EndpointConfiguration.self).validate()
            return "an endpoint"
        }
        throw UnclassifiedExample(
            message: "not a run config, ensemble, endpoints list or endpoint; mark it <!-- example: fragment --> if it is part of a file")
    }
}
