import ArgumentParser
import Foundation
import Prefab

/// `prefab cat`: records of any shard file or directory as JSON Lines on stdout.
struct CatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print records as JSON Lines from a shard file or directory (MDS, JSONL.zst) or a .jsonl file."
    )

    @Argument(help: "A shard directory (MDS or JSONL.zst), a shard file, or a .jsonl / .jsonl.zst file; or an s3:// prefix or object (streamed shard by shard).")
    var path: String

    @Option(help: "Print at most this many records.")
    var limit: Int?

    @Option(help: "Skip this many records first.")
    var offset: Int = 0

    @Option(help: "How much to verify while reading: minimal, standard or full.")
    var verify: VerificationOption = .standard

    @OptionGroup var addressing: S3AddressingOption

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
        if offset < 0 { throw ValidationError("--offset must be 0 or more") }
    }

    func run() async throws {
        let output = StandardOutput()
        var toSkip = offset
        var printed = 0
        /// Prints from one dataset; false once the limit is reached.
        func print(_ dataset: ShardDataset) throws -> Bool {
            let cursor = try dataset.cursor()
            toSkip -= try cursor.skip(toSkip)
            while limit.map({ printed < $0 }) ?? true {
                let more: Void? = try cursor.nextJSON { (json: UnsafeRawBufferPointer) throws(ShardError) -> Void in
                    output.write(json)
                    output.write(newline: ())
                }
                if more == nil { break }
                printed += 1
            }
            output.flush()
            return limit.map { printed < $0 } ?? true
        }
        if RemoteInput.isRemote(path) {
            try await RemoteShardReader.forEachShard(path, verification: verify.verification, storage: addressing.storage(), print)
        } else {
            _ = try print(Shards.open(path, verification: verify.verification))
        }
        output.flush()
    }
}

/// The `--verify` choices.
enum VerificationOption: String, ExpressibleByArgument, CaseIterable {
    case minimal, standard, full

    var verification: Verification {
        switch self {
        case .minimal: .minimal
        case .standard: .standard
        case .full: .full
        }
    }
}

/// Buffered stdout: one `write` per 256 KiB rather than per record.
final class StandardOutput {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 18) }

    func write(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 18 { flush() }
    }

    func write(newline: Void) {
        buffer.append(UInt8(ascii: "\n"))
    }

    func flush() {
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(1, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 {
                    if errno == EINTR { continue }
                    // stdout closed (e.g. piped into `head`): stop quietly.
                    Foundation.exit(0)
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
