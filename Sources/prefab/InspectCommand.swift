import ArgumentParser
import Prefab

/// `prefab inspect`: what a shard file or directory holds.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show format, shards, records, raw and compressed bytes, compression ratio and columns."
    )

    @Argument(help: "A shard directory (MDS or JSONL.zst), a shard file, or a .jsonl / .jsonl.zst file; or an s3:// object or prefix.")
    var path: String

    @Flag(help: "Print the summary as JSON instead of text.")
    var json = false

    @OptionGroup var addressing: S3AddressingOption

    func run() async throws {
        let input = try await CommandInput(path, label: "inspect", storage: addressing.storage())
        defer { input.remove() }
        let inspection = try ShardInspection.inspect(input.path)
        let text = json ? inspection.json.serialized(style: .pretty) : inspection.report
        // Name what the user asked for, not the temporary copy.
        print(input.path == path ? text : text.replacingOccurrences(of: input.path, with: path))
    }
}
