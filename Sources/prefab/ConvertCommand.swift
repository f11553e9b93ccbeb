import ArgumentParser
import Foundation
import Prefab

/// `prefab convert`: rewrite any readable input as an MDS or JSONL.zst shard directory.
struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert JSONL, JSONL.zst or MDS input into a new MDS or JSONL.zst shard directory.",
        discussion: """
            Without --columns, MDS columns are inferred from the records: a key whose values are \
            all strings becomes str, all integers int64, all numbers float64, anything else json. \
            A record that does not fit is an error naming its file and line; nothing is left behind.
            Into an s3:// prefix, shards go up as they close (at most --scratch-limit closed shards \
            on local disk) and the index files last. A killed conversion into s3:// resumes when \
            the same command runs again: its state (scratch shards and upload ledger) lives in \
            $PREFAB_HOME/converts/ until it finishes, and shards already uploaded are not sent again.
            """
    )

    @Argument(help: "Input: a .jsonl / .jsonl.zst file, or an MDS or JSONL.zst directory; or an s3:// object or prefix.")
    var input: String

    @Argument(help: "Output directory (created; must not exist or be empty), or an s3:// prefix (empty, or this conversion's).")
    var output: String

    @Flag(help: "With an s3:// output: write into a prefix that holds other objects.")
    var force = false

    @Option(help: "Output format: mds or jsonl.zst.")
    var format: String

    @Option(help: "none, zstd or zstd:N (N in 1–22). Default zstd (level 3).")
    var compression: String = "zstd"

    @Option(name: .customLong("shard-size"), help: "Start a new shard before this many uncompressed bytes (e.g. 67108864, 64MiB).")
    var shardSize: String = "64MiB"

    @Option(help: "MDS columns as name:encoding,... (encodings: \(MDSEncoding.allCases.map(\.rawValue).joined(separator: ", "))).")
    var columns: String?

    @Option(help: "MDS hashes recorded in index.json, comma-separated.")
    var hashes: String = "xxh64"

    @Option(name: .customLong("frame-size"), help: "JSONL.zst: uncompressed bytes per zstd frame.")
    var frameSize: String = "1MiB"

    @Option(help: ArgumentHelp(
        "s3:// output: closed shards kept on local disk at most while they upload (default \(RemoteConversion.defaultScratchLimit), as a run's).",
        valueName: "N"))
    var scratchLimit: Int?

    @OptionGroup var objectStorage: ObjectStorageOptions

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if let scratchLimit, scratchLimit < 1 { throw ValidationError("--scratch-limit must be at least 1") }
        if scratchLimit != nil || objectStorage.sse != nil, !RemoteInput.isRemote(output) {
            throw ValidationError("--scratch-limit and --sse apply to an s3:// output only")
        }
    }

    func run() async throws {
        let format = try ShardFormat(parsing: format)
        guard format != .jsonl else { throw ValidationError("--format must be mds or jsonl.zst") }
        if columns != nil, format != .mds { throw ValidationError("--columns applies to --format mds only") }
        var options = ShardWriterOptions(
            format: format,
            compression: try Compression(parsing: compression),
            shardSizeLimit: try ByteCount.parse(shardSize),
            frameSize: try ByteCount.parse(frameSize),
            columns: try columns.map { text throws(ShardError) in try MDSColumn.parseList(text) },
            hashes: try hashes.split(separator: ",").map { name throws(ShardError) in try ShardHashAlgorithm.parse(String(name)) }
        )
        options.configHash = configHash(options)
        let monitor = RunMonitor(unit: "records", callsModels: false)
        let storage = try objectStorage.storage()
        let source = try await CommandInput(input, label: "convert", storage: storage)
        defer { source.remove() }
        let manifest: ShardManifest
        if RemoteInput.isRemote(output) {
            let converted = try await progress.show(monitor) { [input, output, force, scratchLimit] in
                try await RemoteConversion.convert(
                    input: source.path, source: input, output: output, options: options, monitor: monitor, force: force,
                    scratchLimit: scratchLimit ?? RemoteConversion.defaultScratchLimit, storage: storage)
            }
            manifest = converted.manifest
            if !converted.outcome.skipped.isEmpty || converted.outcome.abortedUploads > 0 {
                printError("resumed: \(converted.outcome.skipped.count) object(s) already uploaded were not sent again; \(converted.outcome.abortedUploads) unfinished upload(s) aborted")
            }
        } else {
            if let problem = RemoteInput.problem(output) { throw ValidationError(problem) }
            manifest = try await progress.show(monitor) { [output] in
                try ShardConversion.convert(input: source.path, output: output, options: options, monitor: monitor)
            }
        }
        let raw = manifest.shards.reduce(0) { $0 + $1.rawBytes }
        let stored = manifest.shards.reduce(0) { $0 + $1.bytes }
        let ratio = stored == 0 ? 1 : Double(raw) / Double(stored)
        FileHandle.standardError.write(Data("wrote \(manifest.recordCount) records in \(manifest.shards.count) \(format) shards to \(output) (\(raw) → \(stored) bytes, \(String(format: "%.2f", ratio))×)\n".utf8))
    }

    /// SHA-256 of the options that shape the output, so the manifest says how it was made.
    private func configHash(_ options: ShardWriterOptions) -> String {
        let description: JSONObject = [
            "command": "convert",
            "format": .string(options.format.rawValue),
            "compression": .string(options.compression.description),
            "shard_size": options.shardSizeLimit.map { .int(Int64($0)) } ?? .null,
            "frame_size": .int(Int64(options.frameSize)),
            "columns": options.columns.map { .array($0.map { .string($0.description) }) } ?? .null,
            "hashes": .array(options.hashes.map { .string($0.rawValue) }),
        ]
        return Digest.sha256Hex(description.serialized(style: .pythonSortedKeys))
    }
}
