import Foundation
import Prefab
import PrefabTestSupport
import Testing

/// The Kubernetes manifests in deploy/k8s: no cluster is available here to run them, so this
/// checks what can go wrong without one: they parse, the partitions Job is Indexed, and every
/// pod gets the count (PREFAB_PARTITIONS = completions) that, with the JOB_COMPLETION_INDEX
/// Kubernetes sets, chooses its partition exactly as `prefab run` reads it.
@Suite("deploy manifests")
struct DeployManifestTests {
    struct Job: Decodable {
        var apiVersion: String
        var kind: String
        var metadata: Metadata
        var spec: Spec

        struct Metadata: Decodable { var name: String }
        struct Spec: Decodable {
            var completionMode: String?
            var completions: Int?
            var parallelism: Int?
            var template: Template
        }
        struct Template: Decodable { var spec: PodSpec }
        struct PodSpec: Decodable {
            var restartPolicy: String
            var containers: [Container]
        }
        struct Container: Decodable {
            var args: [String]
            var env: [Variable]?
        }
        struct Variable: Decodable {
            var name: String
            var value: String?
        }
    }

    static func load(_ name: String) throws -> Job {
        try ConfigDocument(contentsOf: BuiltProduct.repositoryRoot + "/deploy/k8s/" + name).decode(Job.self)
    }

    @Test func theIndexedJobGivesEveryPodItsPartitionAndTheMergeJobMergesTheOutput() throws {
        let job = try Self.load("prefab-partitions.yaml")
        #expect(job.apiVersion == "batch/v1" && job.kind == "Job")
        #expect(job.spec.completionMode == "Indexed")
        let completions = try #require(job.spec.completions)
        let container = try #require(job.spec.template.spec.containers.first)
        #expect(container.args.prefix(2) == ["run", "/data/run.yaml"])
        #expect(!container.args.contains("--partition"), "the index must come from JOB_COMPLETION_INDEX")
        let environment = Dictionary(uniqueKeysWithValues: (container.env ?? []).compactMap { v in v.value.map { (v.name, $0) } })
        #expect(environment["PREFAB_PARTITIONS"] == String(completions))
        // Each pod, with the index Kubernetes gives it, runs a different partition of `completions`.
        var seen: Set<RunPartition> = []
        for index in 0..<completions {
            var pod = environment
            pod["JOB_COMPLETION_INDEX"] = String(index)
            let choice = try #require(try RunPartitionChoice.resolve(flag: nil, partitions: nil, environment: pod))
            #expect(choice.partition.count == completions)
            seen.insert(choice.partition)
        }
        #expect(seen.count == completions)

        let merge = try Self.load("prefab-merge.yaml")
        #expect(merge.kind == "Job" && merge.spec.completionMode == nil)
        #expect(merge.spec.template.spec.containers.first?.args == ["merge", "/data/out", "--config", "/data/run.yaml"])
        #expect(merge.spec.template.spec.restartPolicy == "Never")
    }

    @Test func theSlurmScriptsAskForAnArrayThatRequeuesAndAMergeAfterIt() throws {
        let directory = BuiltProduct.repositoryRoot + "/deploy/slurm/"
        let array = try String(contentsOfFile: directory + "prefab-array.sbatch", encoding: .utf8)
        #expect(array.contains("#SBATCH --requeue"))
        #expect(array.contains("run \"$config\""))
        let submit = try String(contentsOfFile: directory + "submit", encoding: .utf8)
        #expect(submit.contains("--array=\"0-$((count - 1))\""))
        #expect(submit.contains("--dependency=\"afterok:$array\""))
    }
}
