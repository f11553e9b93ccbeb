import Foundation
import PrefabTestSupport
import Testing

/// The scale-out recipes on real engines: a Slurm job array on a one-node cluster started here
/// (one task requeued mid-run) and Ray tasks on a local Ray instance (one task's process killed
/// mid-run), each merged and compared with a single-process run of the same config. The work is
/// in `scripts/slurm-e2e` and `scripts/ray-e2e`; these tests run them as CI does and skip,
/// saying why, where the engine cannot be installed or started.
@Suite("scale-out end to end", .serialized)
struct ScaleOutEndToEndTests {
    static let root = BuiltProduct.repositoryRoot

    /// nil when the script's setup succeeds; else why not (its last line on stderr).
    static func setup(_ arguments: [String]) -> String? {
        guard let result = try? runProcess("/bin/bash", arguments, currentDirectory: root) else { return "cannot run bash" }
        guard result.status != 0 else { return nil }
        return result.stderr.split(separator: "\n").last.map(String.init) ?? "exit status \(result.status)"
    }

    static let slurmUnavailable = setup([root + "/scripts/slurm-cluster", "start"])
    static let rayUnavailable = setup([root + "/scripts/ray-e2e", "--setup"])

    static func run(_ script: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let bin = (try BuiltProduct.path("prefab") as NSString).deletingLastPathComponent
        return try runProcess("/bin/bash", [root + "/scripts/" + script, "24"], environment: ["PREFAB_BIN": bin], currentDirectory: root)
    }

    @Test(
        .enabled(if: slurmUnavailable == nil, "Slurm cannot run here: \(slurmUnavailable ?? "")"),
        .timeLimit(.minutes(10)))
    func aSlurmArrayWithOneTaskRequeuedMidRunMergesToTheSingleProcessRows() throws {
        let result = try Self.run("slurm-e2e")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("requeued mid-run"))
        #expect(result.stdout.contains("passed: 4 partitions on Slurm"))
    }

    @Test(
        .enabled(if: rayUnavailable == nil, "Ray cannot be installed here: \(rayUnavailable ?? "")"),
        .timeLimit(.minutes(10)))
    func rayTasksWithOneProcessKilledMidRunMergeToTheSingleProcessRows() throws {
        let result = try Self.run("ray-e2e")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("killed partition 1's prefab process"))
        #expect(result.stdout.contains("passed: 4 partitions as Ray tasks"))
    }
}
