import Foundation
import PrefabTestSupport
import Testing

/// The options several commands share: one word per knob, old names kept with a warning.
@Suite struct SharedOptionsTests {
    @Test(arguments: ["judge", "eval-judges"])
    func theOldConcurrencyNameStillSetsTheWindowAndSaysItIsDeprecated(command: String) async throws {
        let prefab = try BuiltProduct.path("prefab")
        let required = command == "judge" ? ["--samples", "s", "--judges", "j", "--out", "o"] : ["--gold", "g", "--judges", "j"]
        // 0 is refused under either name, so nothing runs; the message names the knob's one word.
        let old = try await runProcess(prefab, [command] + required + ["--concurrency", "0"])
        #expect(old.status != 0)
        #expect(old.stderr.contains("--concurrency is deprecated; use --window"))
        #expect(old.stderr.contains("--window must be at least 1"))
        let new = try await runProcess(prefab, [command] + required + ["--window", "0"])
        #expect(new.status != 0)
        #expect(!new.stderr.contains("deprecated"))
        #expect(new.stderr.contains("--window must be at least 1"))
    }

    /// `prefab diversity`'s embeddings and cluster-agent endpoints are one option group under two
    /// prefixes: each keeps its flags, and a URL without its model is refused the same way.
    @Test(arguments: [("--embeddings-url", "--embeddings-model"), ("--agent-url", "--agent-model")])
    func diversityEndpointFlagsNeedTheirModel(url: String, model: String) async throws {
        let prefab = try BuiltProduct.path("prefab")
        let help = try await runProcess(prefab, ["diversity", "--help"])
        for flag in [url, model, url.replacingOccurrences(of: "-url", with: "-api-key-env")] {
            #expect(help.stdout.contains(flag), "\(flag)")
        }
        #expect(help.stdout.contains("Model id for \(url)."))
        let missing = try await runProcess(prefab, ["diversity", "no-such.jsonl", url, "http://127.0.0.1:9/v1"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("\(url) needs \(model)"))
    }
}
