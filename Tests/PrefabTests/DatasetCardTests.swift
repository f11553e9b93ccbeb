import Foundation
import PrefabShards
import PrefabSimulator
import Testing
@testable import Prefab

/// The dataset card (`pairs/README.md`) and the provenance a run records: the front matter
/// `load_dataset` reads, the body a reader reads, what never appears in it, and the prompt ids
/// and content hashes that trace every row back to its inputs.
@Suite struct DatasetCardTests {
    /// The front matter's keys this suite reads, as `datasets` reads them.
    struct FrontMatter: Decodable {
        struct Config: Decodable {
            var config_name: String
            var data_files: [DataFiles]
        }
        struct DataFiles: Decodable {
            var split: String
            var path: String
        }
        struct Info: Decodable {
            var features: [Feature]
            var splits: [SplitInfo]?
        }
        struct Feature: Decodable {
            var name: String
            var dtype: String?
            var list: [Feature]?
        }
        struct SplitInfo: Decodable {
            var name: String
            var num_examples: Int
        }
        var pretty_name: String
        var task_categories: [String]
        var configs: [Config]
        var dataset_info: Info
    }

    /// The card's front matter, parsed with the project's YAML reader, and its body.
    static func read(_ pairs: String) throws -> (front: FrontMatter, body: String) {
        let text = try String(contentsOfFile: pairs + "/README.md", encoding: .utf8)
        #expect(text.hasPrefix("---\n"))
        let parts = text.components(separatedBy: "\n---\n")
        #expect(parts.count >= 2, "no closing --- line")
        let yaml = String(parts[0].dropFirst(4))
        let front = try ConfigDocument(yaml: yaml, file: "README.md").decode(FrontMatter.self)
        return (front, parts.dropFirst().joined(separator: "\n---\n"))
    }

    /// The files a `data_files` pattern (`train/*.jsonl.zst`) matches.
    static func matches(_ pattern: String, in pairs: String) throws -> [String] {
        let folder = (pattern as NSString).deletingLastPathComponent
        let name = (pattern as NSString).lastPathComponent
        #expect(name.hasPrefix("*"), "\(pattern)")
        let suffix = String(name.dropFirst())
        return try FileManager.default.contentsOfDirectory(atPath: pairs + "/" + folder).filter { $0.hasSuffix(suffix) }
    }

    /// The exact keys each trainer documents for its rows (TRL's dataset formats,
    /// ultrafeedback_binarized for h4), as `scripts/check_loaders.py` checks them.
    static let trainerKeys: [PairFormat: [String]] = [
        .trl: ["prompt", "chosen", "rejected"],
        .trlStandard: ["prompt", "chosen", "rejected"],
        .kto: ["prompt", "completion", "label"],
        .ktoStandard: ["prompt", "completion", "label"],
        .rm: ["chosen", "rejected", "margin"],
        .sft: ["messages"],
    ]

    static let plantedHeader = "hdr-value-PLANTED-7f3e"
    static let plantedKey = "sk-PLANTED-key-0123456789abcdef"
    static let keyVariable = "PREFAB_CARD_TEST_KEY"

    /// The quickstart-like run (12 prompts, three pool models, the UltraFeedback ensemble, h4
    /// with a test split) against the simulator, with a header value and an API key planted.
    static func plantedRun(_ server: SimulatorServer) async throws -> (directory: String, summary: RunSummary) {
        let run = try RunFixtures.makeRun(server, prompts: 12, headers: "{x-trace-note: \"\(plantedHeader)\"}")
        let yaml = try String(contentsOfFile: run.config, encoding: .utf8)
            .replacingOccurrences(of: "headers: {", with: "api_key_env: \(keyVariable), headers: {")
        try yaml.write(toFile: run.config, atomically: true, encoding: .utf8)
        var pipeline = try RunFixtures.pipeline(run.config)
        pipeline.environment = [keyVariable: plantedKey]
        return (run.directory, try await pipeline.run())
    }

    @Test func aRunWritesACardWhoseFrontMatterNamesTheSplitsAndTheirFeatures() async throws {
        try await JudgingFixtures.withSimulator { server in
            let (directory, summary) = try await Self.plantedRun(server)
            let pairs = directory + "/out/pairs"
            let (front, _) = try Self.read(pairs)
            #expect(front.task_categories == ["text-generation"])
            #expect(front.configs.count == 1 && front.configs[0].config_name == "default")
            let files = front.configs[0].data_files
            #expect(files.map(\.split) == ["train", "test"])
            for entry in files {
                #expect(entry.path == "\(entry.split)/*.jsonl.zst")
                let matched = try Self.matches(entry.path, in: pairs)
                #expect(!matched.isEmpty, "\(entry.path) matches no file")
                #expect(matched.allSatisfy { $0.hasPrefix("h4-") }, "\(matched)")
            }
            // The features are the h4 columns in order; message lists are {role, content}.
            let features = front.dataset_info.features
            #expect(features.map(\.name) == PairFormat.h4.columns.map(\.name))
            #expect(features.first { $0.name == "prompt" }?.dtype == "string")
            #expect(features.first { $0.name == "margin" }?.dtype == "float64")
            #expect(features.first { $0.name == "chosen" }?.list?.map(\.name) == ["role", "content"])
            let rows = try #require(summary.pairs?.rows)
            #expect(front.dataset_info.splits?.map(\.num_examples) == [rows["train"] ?? -1, rows["test"] ?? -1])
            #expect(try Shards.open(pairs + "/train").readAll().count == rows["train"])
        }
    }

    @Test func theCardBodyNamesThePoolModelsJudgesRubricsPairingAndVersion() async throws {
        try await JudgingFixtures.withSimulator { server in
            let (directory, summary) = try await Self.plantedRun(server)
            let (_, body) = try Self.read(directory + "/out/pairs")
            for section in ["## Prompts", "## Prompt hygiene", "## Pool models", "## Principles", "## Judges", "## Pairing",
                            "## Score distributions", "## Judge agreement and bias", "## Diversity", "## Cost", "## Provenance"] {
                #expect(body.contains(section), "\(section)")
            }
            // Pool models by name with their endpoints' model ids and parameters.
            for text in ["| a | sim | sim-model |", "| b | sim | sim-model |", "| c | sim | sim-model |", "\"temperature\":0.7"] {
                #expect(body.contains(text), "\(text)")
            }
            // The ensemble, its judges' model ids and rubrics, the pairing and the version.
            let setup = try RunSetup.load(file: directory + "/run.yaml")
            #expect(body.contains("Ensemble `\(setup.ensemble.name)`"))
            #expect(body.contains("sim-judge"))
            for judge in setup.ensemble.judges {
                #expect(body.contains("| \(judge.name) |"), "\(judge.name)")
                if case .llm(let llm) = judge.kind { for rubric in llm.rubrics { #expect(body.contains(rubric), "\(rubric)") } }
            }
            #expect(body.contains("strategy: `best-vs-random`"))
            #expect(body.contains("Prefab version: \(PrefabVersion.string)"))
            #expect(body.contains("rated_higher_by_position"))
            #expect(body.contains("Not applied"), "no hygiene block: the section says so")
            // Every content hash of the run summary is in the card.
            let provenance = try #require(summary.provenance)
            for digest in [provenance.config.sha256, provenance.prompts.sha256] + provenance.judgeFiles.values {
                #expect(body.contains(digest))
            }
        }
    }

    @Test func aPlantedHeaderValueAndAPIKeyNeverAppearInTheCard() async throws {
        try await JudgingFixtures.withSimulator { server in
            let (directory, _) = try await Self.plantedRun(server)
            let card = try String(contentsOfFile: directory + "/out/pairs/README.md", encoding: .utf8)
            #expect(!card.contains(Self.plantedHeader))
            #expect(!card.contains(Self.plantedKey))
            // The config is there, with the header's name and the key's variable name.
            #expect(card.contains("x-trace-note"))
            #expect(card.contains(Self.keyVariable))
            #expect(card.contains(ConfigRedaction.placeholder))
        }
    }

    @Test func runSummaryRecordsTheContentHashesOfEveryInput() async throws {
        try await JudgingFixtures.withSimulator { server in
            let (directory, summary) = try await Self.plantedRun(server)
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/out/run-summary.json"))
            let written = try JSONDecoder().decode(RunSummary.self, from: data)
            let provenance = try #require(written.provenance)
            #expect(written.provenance == summary.provenance)
            #expect(provenance.prefabVersion == PrefabVersion.string)
            #expect(provenance.prompts.sha256 == Digest.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: directory + "/prompts.jsonl"))))
            #expect(provenance.config.sha256 == Digest.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: directory + "/run.yaml"))))
            // The ensemble file, its rubrics and its templates, each by its own hash.
            let files = provenance.judgeFiles.keys
            #expect(files.contains { $0.hasSuffix("judges/ultrafeedback.yaml") })
            #expect(files.contains { $0.contains("rubrics/") })
            #expect(files.contains { $0.hasSuffix(".mustache") || $0.contains("template") })
            for (file, digest) in provenance.judgeFiles {
                let path = file.hasPrefix("/") ? file : directory + "/" + file
                #expect(digest == Digest.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: path))), "\(file)")
            }
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains("\"provenance\"") && text.contains("\"judge_files\""))
        }
    }

    @Test func everyStageRecordAndH4RowCarriesItsPromptIDWhileTrainerRowsKeepExactlyTheirKeys() async throws {
        try await JudgingFixtures.withSimulator { server in
            let (directory, _) = try await Self.plantedRun(server)
            let out = directory + "/out"
            for stage in ["samples", "rated", "pairs/train", "pairs/test"] {
                let records = try Shards.open(out + "/" + stage).readAll()
                #expect(!records.isEmpty, "\(stage)")
                for record in records {
                    guard case .string(let id)? = record["prompt_id"] else {
                        Issue.record("\(stage): a record without prompt_id")
                        break
                    }
                    #expect(id.hasPrefix("p"), "\(stage): \(id)")
                }
            }
            // The other formats from the same rated records: exactly their trainers' keys.
            for (format, keys) in Self.trainerKeys {
                let strategy: PairingStrategy = format == .sft ? .bestOfN : .bestVsRandom
                let target = directory + "/pairs-\(format.rawValue)"
                _ = try PairStage(
                    options: PairingOptions(strategy: strategy, seed: 5), builder: try PairRowBuilder(format: format, strategy: strategy),
                    split: try DatasetSplit(testRatio: 0.25)
                ).run(rated: out + "/rated", output: target)
                let rows = try Shards.open(target + "/train").readAll()
                #expect(!rows.isEmpty, "\(format)")
                for row in rows { #expect(row.map(\.key) == keys, "\(format)") }
            }
        }
    }

    @Test func prefabPairsWritesACardWithWhatItKnows() throws {
        let root = try PairsRunTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PairsRunTests.writeRated(PairsRunTests.ratedRecords(), to: root + "/rated")
        for format in [PairFormat.kto, .trlStandard] {
            let out = root + "/pairs-\(format.rawValue)"
            let summary = try PairStage(
                options: PairingOptions(strategy: .bestVsWorst, seed: 3), builder: try PairRowBuilder(format: format, strategy: .bestVsWorst),
                split: try DatasetSplit(testRatio: 0)
            ).run(rated: root + "/rated", output: out)
            let (front, body) = try Self.read(out)
            // No test rows: only the train split is named.
            #expect(front.configs[0].data_files.map(\.split) == ["train"])
            #expect(try !Self.matches(front.configs[0].data_files[0].path, in: out).isEmpty)
            #expect(front.dataset_info.features.map(\.name) == format.columns.map(\.name))
            #expect(front.dataset_info.splits?.first?.num_examples == summary.rows["train"])
            if format == .kto { #expect(front.dataset_info.features.first { $0.name == "label" }?.dtype == "bool") }
            #expect(body.contains("`prefab pairs`") && body.contains(root + "/rated"))
            #expect(body.contains("Not recorded by `prefab pairs`"))
            #expect(body.contains("Prefab version: \(PrefabVersion.string)"))
        }
    }

    @Test func theHygieneSectionShowsRemovalsByReasonOrSaysNotApplied() {
        let pairing = PairingSummary(strategy: "best-vs-random", format: "h4", score: "fine-grained", minMargin: 0, testRatio: 0, seed: 1)
        var card = DatasetCard(
            title: "t", pairing: pairing, format: .h4, splits: [.init(name: "train", path: "train/*.jsonl.zst", rows: 3)],
            writer: "test")
        #expect(card.render().contains("Not applied"))
        card.hygiene = HygieneCounts(kept: 90, removed: ["duplicate": 7, "contaminated:gsm8k": 3])
        let text = card.render()
        #expect(!text.contains("Not applied"))
        #expect(text.contains("- kept: 90") && text.contains("- removed: 10"))
        #expect(text.contains("| duplicate | 7 |") && text.contains("| contaminated:gsm8k | 3 |"))
    }

    @Test func redactionKeepsTheConfigButNotItsCredentials() throws {
        let yaml = """
            endpoints:
              - {name: a, provider: openai-compatible, base_url: "https://user:pw-SECRET1@example.com/v1?key=q-SECRET2", api_key_env: OPENAI_API_KEY, headers: {x-team: h-SECRET3}}
            pool:
              models:
                - {name: m, endpoint: a, parameters: {temperature: 0.5, max_tokens: 64}}
            extra:
              api_key: k-SECRET4
              hf_token: t-SECRET5
              password: p-SECRET6
            """
        let text = ConfigRedaction.yaml(try ConfigDocument(yaml: yaml, file: "run.yaml"))
        for secret in ["SECRET1", "SECRET2", "SECRET3", "SECRET4", "SECRET5", "SECRET6"] { #expect(!text.contains(secret), "\(secret)") }
        for kept in ["OPENAI_API_KEY", "x-team", "example.com/v1", "max_tokens: 64", "temperature: 0.5", "name: m"] {
            #expect(text.contains(kept), "\(kept)")
        }
        // Still YAML, with the same keys.
        _ = try ConfigDocument(yaml: text, file: "redacted.yaml")
    }
}
