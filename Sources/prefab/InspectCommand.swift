import ArgumentParser
import Prefab

/// `prefab inspect`: what a shard file or directory holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show format, shards, records, raw and compressed bytes, compression ratio and columns."
    )

    @Argument(help: "A shard directory (MDS or JSONL.zst), a shard file, or a .jsonl / .jsonl.zst file.")
    var path: String

    @Flag(help: "Print the summary as JSON instead of text.")
    var json = false

    func run() throws {
        let inspection = try ShardInspection.inspect(path)
        print(json ? inspection.json.serialized(style: .pretty) : inspection.report)
    }
}
