import ArgumentParser
import Prefab

/// The `prefab` command: parses arguments and calls the library. Each subcommand is one file.
@main
struct PrefabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prefab",
        abstract: "Build preference and alignment datasets: sample, judge, pair, and write training shards.",
        version: PrefabVersion.string,
        subcommands: [
            RunCommand.self,
            BatchesCommand.self,
            MergeCommand.self,
            ValidateCommand.self,
            CatCommand.self,
            InspectCommand.self,
            ConvertCommand.self,
            LocalCommand.self,
            SampleCommand.self,
            JudgeCommand.self,
            EvalJudgesCommand.self,
            PairsCommand.self,
            DiversityCommand.self,
            ReportCommand.self,
            PromptsCommand.self,
            ReviewCommand.self,
        ]
    )
}
