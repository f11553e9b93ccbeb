import Foundation
import PrefabTestSupport
import Testing

/// The options several commands share: one word per knob, old names kept with a warning.
@Suite struct SharedOptionsTests {
    @Test(arguments: ["judge", "eval-judges"])
    func theOldConcurrencyNameStillSetsTheWindowAndSaysItIsDeprecated(command: String) throws {
        let prefab = try BuiltProduct.path("prefab")
        let required = command == "judge" ? ["--samples", "s", "--judges", "j", "--out", "o"] : ["--gold", "g", "--judges", "j"]
        // 0 is refused under either name, so nothing runs; the message names the knob's one word.
        let old = try runProcess(prefab, [command] + required + ["--concurrency", "0"])
        #expect(old.status != 0)
        #expect(old.stderr.contains("--concurrency is deprecated; use --window"))
        #expect(old.stderr.contains("--window must be at least 1"))
        let new = try runProcess(prefab, [command] + required + ["--window", "0"])
        #expect(new.status != 0)
        #expect(!new.stderr.contains("deprecated"))
        #expect(new.stderr.contains("--window must be at least 1"))
    }
}
