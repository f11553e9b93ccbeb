import Foundation
import PrefabShards

/// One of `count` parts of a run, by a stable hash of each prompt's id.
///
/// A prompt belongs to part `hash(prompt_id) mod count`, never to a range of input lines, so
/// prompts appended to the input later do not move other prompts between parts, and every
/// part of every task agrees on the split without talking to the others. The hash is salted
/// (`prefab-partition:`), so it is independent of the train/test split (`DatasetSplit`, which
/// hashes `prefab-split:`): every part holds both sides in the configured ratio.
public struct RunPartition: Hashable, Sendable, CustomStringConvertible {
    /// 0-based.
    public let index: Int
    public let count: Int

    /// Zero-padded to 5 digits, as the directory names are.
    public static let largestCount = 99_999

    public init(index: Int, count: Int) throws(RunPartitionError) {
        guard (1...Self.largestCount).contains(count) else { throw .badCount(count) }
        guard (0..<count).contains(index) else { throw .indexOutOfRange(index: index, count: count) }
        self.index = index
        self.count = count
    }

    /// `I/N`, I counted from 0.
    public init(parsing text: String) throws(RunPartitionError) {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, let index = Int(pieces[0].trimmingCharacters(in: .whitespaces)),
            let count = Int(pieces[1].trimmingCharacters(in: .whitespaces))
        else {
            throw .unreadable(text)
        }
        try self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// `00002-of-00004`: the part's run-files directory under `OUT/parts/`.
    public var name: String { Self.padded(index) + "-of-" + Self.padded(count) }

    /// `part-00002-of-00004`: the part's subdirectory in every dataset directory.
    public var shardDirectoryName: String { "part-" + name }

    /// Whether the prompt with this id belongs to this part.
    public func contains(promptID: String) -> Bool {
        Self.part(of: promptID, count: count) == index
    }

    /// The part a prompt id falls in: the first 8 bytes of SHA-256("prefab-partition:" + id),
    /// big-endian, modulo `count`.
    public static func part(of promptID: String, count: Int) -> Int {
        var digest = Digest(.sha256)
        digest.update(Array("prefab-partition:\(promptID)".utf8))
        var value: UInt64 = 0
        for byte in digest.finalize().prefix(8) { value = value << 8 | UInt64(byte) }
        return Int(value % UInt64(count))
    }

    /// Reads a run-files directory name (`00002-of-00004`) back; nil for anything else.
    public init?(directoryName: String) {
        let pieces = directoryName.components(separatedBy: "-of-")
        guard pieces.count == 2, pieces.allSatisfy({ $0.count == 5 && $0.allSatisfy(\.isASCII) }),
            let index = Int(pieces[0]), let count = Int(pieces[1]),
            let partition = try? RunPartition(index: index, count: count)
        else { return nil }
        self = partition
    }

    private static func padded(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}
