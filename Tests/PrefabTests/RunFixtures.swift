import Foundation
import Prefab
import PrefabShards
import PrefabSimulator
import Testing

/// Run configs for `prefab run` tests: prompts, a config file pointing at an in-process
/// simulator, and helpers to read what a run wrote.
enum RunFixtures {
    static let repository = JudgingFixtures.repository

    /// A directory with `prompts.jsonl` (`count` prompts) and `run.yaml` for `server`.
    static func makeRun(
        _ server: SimulatorServer, prompts count: Int = 12, extra: String = "", headers: String = "{}",
        maxAttempts: Int = 2, window: Int = 8, output: String = "out"
    ) throws -> (directory: String, config: String) {
        let directory = try JudgingFixtures.temporaryDirectory()
        try writePrompts(count, to: directory + "/prompts.jsonl")
        let config = directory + "/run.yaml"
        try yaml(server, headers: headers, maxAttempts: maxAttempts, window: window, output: output, extra: extra)
            .write(toFile: config, atomically: true, encoding: .utf8)
        return (directory, config)
    }

    static func writePrompts(_ count: Int, to path: String) throws {
        var lines = ""
        for index in 0..<count {
            let record: [String: Any] = [
                "id": "p\(index)",
                "messages": [["role": "user", "content": "Question \(index): how does topic \(index % 7) work?"]],
            ]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try lines.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func yaml(
        _ server: SimulatorServer, headers: String = "{}", maxAttempts: Int = 2, window: Int = 8, output: String = "out",
        extra: String = ""
    ) -> String {
        let retry = "{max_attempts: \(maxAttempts), initial_delay: 0.001, max_delay: 0.01}"
        return """
            seed: 5
            prompts: {path: prompts.jsonl}
            output: \(output)
            cache: cache/cache.sqlite
            window: \(window)
            endpoints:
              - {name: sim, provider: openai-compatible, base_url: "\(server.baseURL)/v1", model: sim-model, headers: \(headers), retry: \(retry)}
              - {name: judge, provider: openai-compatible, base_url: "\(server.baseURL)/v1", model: sim-judge, headers: \(headers), retry: \(retry)}
            pool:
              models:
                - {name: a, endpoint: sim, parameters: {temperature: 0.7, max_tokens: 48}}
                - {name: b, endpoint: sim, parameters: {temperature: 1.0, max_tokens: 48}}
                - {name: c, endpoint: sim, parameters: {temperature: 0.2, max_tokens: 48}}
              select: 3
            principles: {directory: \(repository)/rubrics/principles}
            judges: \(repository)/judges/ultrafeedback.yaml
            pairing: {format: h4, test_ratio: 0.25}
            \(extra)
            """
    }

    /// Every file a run wrote into its stage directories, by relative path; not the dataset
    /// card (`pairs/README.md`), which describes the run (its config file, what every session
    /// spent) as well as the data, so two runs that wrote the same records differ there.
    static func stageFiles(_ output: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for stage in ["samples", "rated", "pairs"] {
            let root = output + "/" + stage
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            for case let path as String in walker {
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory)
                if !isDirectory.boolValue, stage + "/" + path != "pairs/" + DatasetCard.fileName {
                    files[stage + "/" + path] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + path))
                }
            }
        }
        return files
    }

    static func promptIDs(_ directory: String) throws -> [String] {
        try Shards.open(directory).readAll().map { object in
            guard case .string(let id)? = object["prompt_id"] else { return "" }
            return id
        }
    }

    /// For each prompt, the shard files (relative to `output`) holding a record of it, in every
    /// stage and copy, from each directory's manifest (files in order, with their record counts).
    static func shardsHoldingEachPrompt(_ output: String) throws -> [String: Set<String>] {
        var holders: [String: Set<String>] = [:]
        for directory in ["samples", "rated", "pairs/train", "pairs/test"] {
            for copy in [directory, directory + "/mds"] {
                let path = output + "/" + copy
                guard let manifest = try ShardManifest.load(from: path) else { continue }
                let files = manifest.shards.flatMap { shard in Array(repeating: shard.file, count: shard.records) }
                let ids = try promptIDs(path)
                #expect(files.count == ids.count, "\(copy)")
                for (id, file) in zip(ids, files) { holders[id, default: []].insert(copy + "/" + file) }
            }
        }
        return holders
    }

    static func pipeline(_ config: String) throws -> RunPipeline {
        RunPipeline(setup: try RunSetup.load(file: config))
    }
}
