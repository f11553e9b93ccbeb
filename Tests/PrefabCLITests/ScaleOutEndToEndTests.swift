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

    /// Whether every command is on PATH (cheap: trait conditions are evaluated even for tests
    /// a filter leaves out, so nothing is installed or started here; scripts/test installs the
    /// packages with `scripts/slurm-cluster install` and Ray with `scripts/ray-e2e --setup`).
    static func installed(_ commands: [String]) -> Bool {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/usr/bin"
        return commands.allSatisfy { command in
            path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(command)") }
        }
    }

    static let home = ProcessInfo.processInfo.environment["PREFAB_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? root + "/.prefab"
    static let slurmInstalled = installed(["slurmctld", "slurmd", "sbatch", "scontrol", "munged"])
    static let rayInstalled = FileManager.default.isExecutableFile(atPath: home + "/ray-venv/bin/python")

    /// Runs an end-to-end script; its exit status 77 means the engine could not start here
    /// (installed, but its daemons or workers failed): said on the test's output, not failed.
    static func run(_ script: String, prompts: Int) async throws -> (status: Int32, stdout: String, stderr: String)? {
        let bin = (try BuiltProduct.path("prefab") as NSString).deletingLastPathComponent
        let result = try await runProcess("/bin/bash", [root + "/scripts/" + script, String(prompts)], environment: ["PREFAB_BIN": bin], currentDirectory: root)
        if result.status == 77 {
            print("SKIPPED \(script): \(result.stderr.split(separator: "\n").last ?? "")")
            return nil
        }
        return result
    }

    @Test(
        .enabled(if: slurmInstalled, "Slurm is not installed (scripts/slurm-cluster install: Debian's slurmctld slurmd slurm-client munge)"),
        .timeLimit(.minutes(10)))
    func aSlurmArrayWithOneTaskRequeuedMidRunMergesToTheSingleProcessRows() async throws {
        guard let result = try await Self.run("slurm-e2e", prompts: 48) else { return }
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("requeued mid-run"))
        #expect(result.stdout.contains("passed: 4 partitions on Slurm"))
    }

    @Test(
        .enabled(if: rayInstalled, "Ray is not installed in $PREFAB_HOME/ray-venv (scripts/ray-e2e --setup)"),
        .timeLimit(.minutes(10)))
    func rayTasksWithOneProcessKilledMidRunMergeToTheSingleProcessRows() async throws {
        guard let result = try await Self.run("ray-e2e", prompts: 48) else { return }
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("prefab process (pid"))
        #expect(result.stdout.contains("passed: 4 partitions as Ray tasks"))
    }

    static let loadersPython = ProcessInfo.processInfo.environment["PREFAB_LOADERS_PYTHON"] ?? root + "/.prefab/loaders-venv/bin/python"

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: loadersPython),
            "no loaders environment at \(loadersPython) (scripts/check-loaders makes it)"),
        .timeLimit(.minutes(10)))
    func mergedPartitionsLoadWithStreamingDatasetAndHFDatasetsAsOneRunDoes() async throws {
        let bin = (try BuiltProduct.path("prefab") as NSString).deletingLastPathComponent
        let result = try await runProcess(
            "/bin/bash", [Self.root + "/scripts/scale-loaders"], environment: ["PREFAB_BIN": bin, "PREFAB_LOADERS_PYTHON": Self.loadersPython],
            currentDirectory: Self.root)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("load_dataset(pairs): train"))
    }
}
