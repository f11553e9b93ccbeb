import ArgumentParser
import PrefabShards

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prefab-bench",
        abstract: "Prefab's benchmarks; each reports ratios against a baseline measured in the same run.",
        subcommands: [
            EndpointThroughputCommand.self,
            EndpointConcurrencyCommand.self,
            CacheWriterCommand.self,
            ShardsBenchmark.self,
            ShardsPhaseCommand.self,
            BatchFilesCommand.self,
        ]
    )
}
