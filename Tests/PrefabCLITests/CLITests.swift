import Foundation
import PrefabTestSupport
import Testing
import PrefabShards

/// The `prefab cat`, `inspect` and `convert` subcommands, run as the built binary.
@Suite struct CLITests {
    /// The `prefab` executable built beside the test bundle.
    static var prefab: String {
        get throws { try BuiltProduct.path("prefab") }
    }

    static func writeJSONL(_ records: [JSONObject], to path: String) throws {
        let text = records.map { $0.serialized() + "\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func parseLines(_ text: String) throws -> [JSONObject] {
        try text.split(separator: "\n").map { try JSONObject(parsing: String($0)) }
    }

    @Test(arguments: ["mds", "jsonl.zst"])
    func convertThenCatGivesBackTheInputRecords(format: String) async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let records = Fixtures.records(count: 300)
        try Self.writeJSONL(records, to: scratch.sub("in.jsonl"))
        let convert = try await runProcess(try Self.prefab, ["convert", scratch.sub("in.jsonl"), scratch.sub("out"), "--format", format, "--compression", "zstd:5", "--shard-size", "20kb"])
        #expect(convert.status == 0, "\(convert.stderr)")
        #expect(convert.stderr.contains("wrote 300 records"))
        let cat = try await runProcess(try Self.prefab, ["cat", scratch.sub("out")])
        #expect(cat.status == 0)
        #expect(try Self.parseLines(cat.stdout) == records)
        let page = try await runProcess(try Self.prefab, ["cat", scratch.sub("out"), "--offset", "120", "--limit", "7"])
        #expect(try Self.parseLines(page.stdout) == Array(records[120..<127]))
        let inspect = try await runProcess(try Self.prefab, ["inspect", scratch.sub("out")])
        #expect(inspect.status == 0)
        #expect(inspect.stdout.contains("format:      \(format)"))
        #expect(inspect.stdout.contains("records:     300"))
        #expect(inspect.stdout.contains("compression: zstd:5"))
        #expect(inspect.stdout.contains("prompt: str"))
        let manifest = try #require(try ShardManifest.load(from: scratch.sub("out")))
        #expect(manifest.shards.count >= 3)
        #expect(manifest.configHash.count == 64)
    }

    @Test func inferredColumnsFollowTheValuesOfEveryRecord() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let records: [JSONObject] = [
            ["id": 1, "score": 1, "text": "a", "meta": ["k": 1], "flag": true, "maybe": "x"],
            ["id": 2, "score": 2.5, "text": "b", "meta": [], "flag": false, "maybe": nil],
        ]
        try Self.writeJSONL(records, to: scratch.sub("in.jsonl"))
        let result = try await runProcess(try Self.prefab, ["convert", scratch.sub("in.jsonl"), scratch.sub("out"), "--format", "mds"])
        #expect(result.status == 0, "\(result.stderr)")
        let columns = try MDSIndex.load(from: scratch.sub("out")).shards[0].columns.map(\.description)
        #expect(columns == ["flag:json", "id:int64", "maybe:json", "meta:json", "score:float64", "text:str"])
        let cat = try await runProcess(try Self.prefab, ["cat", scratch.sub("out")])
        #expect(try Self.parseLines(cat.stdout) == records)
    }

    @Test func aRecordThatDoesNotFitTheColumnsFailsNamingItsLineAndLeavesNothing() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let text = "{\"n\": 1, \"s\": \"a\"}\n{\"n\": 2, \"s\": \"b\"}\n\n{\"n\": \"three\", \"s\": \"c\"}\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: scratch.sub("in.jsonl")))
        let result = try await runProcess(try Self.prefab, ["convert", scratch.sub("in.jsonl"), scratch.sub("out"), "--format", "mds", "--columns", "n:int64,s:str"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("in.jsonl line 4, field \"n\""), "\(result.stderr)")
        #expect(result.stderr.contains("expected an integer"))
        #expect(!FileManager.default.fileExists(atPath: scratch.sub("out")))
    }

    @Test func invalidJSONAndMissingKeysNameTheLine() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        try Data("{\"a\": 1}\n{\"a\": 2,}\n".utf8).write(to: URL(fileURLWithPath: scratch.sub("bad.jsonl")))
        for format in ["mds", "jsonl.zst"] {
            let result = try await runProcess(try Self.prefab, ["convert", scratch.sub("bad.jsonl"), scratch.sub("out-\(format)"), "--format", format])
            #expect(result.status != 0)
            #expect(result.stderr.contains("bad.jsonl line 2: invalid JSON"), "\(format): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch.sub("out-\(format)")))
        }
        try Data("{\"a\": 1, \"b\": 1}\n{\"a\": 2}\n".utf8).write(to: URL(fileURLWithPath: scratch.sub("ragged.jsonl")))
        let ragged = try await runProcess(try Self.prefab, ["convert", scratch.sub("ragged.jsonl"), scratch.sub("out"), "--format", "mds"])
        #expect(ragged.status != 0)
        #expect(ragged.stderr.contains("ragged.jsonl line 2, field \"b\": missing"), "\(ragged.stderr)")
    }

    @Test(arguments: [
        (["--compression", "gzip"], "unknown compression"),
        (["--compression", "zstd:30"], "level must be 1–22"),
        (["--shard-size", "lots"], "not a byte count"),
        (["--columns", "a:float128"], "unknown MDS encoding"),
        (["--format", "parquet"], "unknown format"),
    ])
    func badOptionsExitNonZeroWithAMessage(arguments: [String], message: String) async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        var all = ["convert", Fixtures.path("jsonl_zst/plain.jsonl"), scratch.sub("out")]
        if !arguments.contains("--format") { all += ["--format", "mds"] }
        let result = try await runProcess(try Self.prefab, all + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func catReportsACorruptShardNamingTheFile() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        try FileManager.default.copyItem(atPath: Fixtures.path("mds/mds_zstd"), toPath: scratch.sub("mds"))
        try flipByte(in: scratch.sub("mds/shard.00000.mds.zstd"), at: 150)
        let result = try await runProcess(try Self.prefab, ["cat", scratch.sub("mds")])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("shard.00000.mds.zstd is corrupt"), "\(result.stderr)")
    }

    @Test func catReadsPlainAndCompressedJSONLFiles() async throws {
        let plain = try await runProcess(try Self.prefab, ["cat", Fixtures.path("jsonl_zst/plain.jsonl"), "--limit", "3"])
        let compressed = try await runProcess(try Self.prefab, ["cat", Fixtures.path("jsonl_zst/b_nosize.jsonl.zst"), "--limit", "3"])
        #expect(plain.stdout == compressed.stdout)
        #expect(plain.stdout.split(separator: "\n").count == 3)
        let inspect = try await runProcess(try Self.prefab, ["inspect", "--json", Fixtures.path("jsonl_zst/e_seekable_fcs.jsonl.zst")])
        let summary = try JSONObject(parsing: inspect.stdout)
        #expect(summary["records"] == 2000)
        #expect(summary["shards"]?[0]?["seekable"] == true)
        #expect(summary["shards"]?[0]?["frames"] == 6)
    }

    /// A writer killed mid-run (SIGKILL, no chance to clean up) leaves no index or manifest,
    /// only complete shards and hidden temporary files, and the directory reads as unfinished.
    @Test func aKilledConvertNeverLeavesAnIndexPointingAtAPartialShard() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let records = Fixtures.records(count: 20_000)
        try Self.writeJSONL(records, to: scratch.sub("in.jsonl"))
        for format in ["mds", "jsonl.zst"] {
            let output = scratch.sub("out-\(format)")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try Self.prefab)
            process.arguments = ["convert", scratch.sub("in.jsonl"), output, "--format", format, "--compression", "zstd:19", "--shard-size", "64kb"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait for the first finished shard, then kill without warning.
            let shardAppeared: @Sendable () -> Bool = {
                ((try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []).contains { !$0.hasPrefix(".") }
            }
            _ = await process.kill(when: shardAppeared, within: 60)
            #expect(shardAppeared(), "\(format): no shard appeared before the writer ended")
            let names = try FileManager.default.contentsOfDirectory(atPath: output)
            #expect(!names.contains("index.json"), "\(format)")
            #expect(!names.contains("manifest.json"), "\(format)")
            for name in names where !name.hasPrefix(".") {
                #expect(try zstdTest(output + "/" + name), "\(format): \(name) must be complete")
            }
            #expect {
                _ = try Shards.open(output)
            } throws: { error in
                "\(error)".contains("did not finish")
            }
        }
    }
}
