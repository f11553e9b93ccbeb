import PrefabShards

/// Reads prompts one at a time from a JSON Lines file (plain or zstd), a Prefab JSONL.zst
/// directory or an MDS dataset, validating each record, never holding more than one in memory.
///
/// Invalid records stop reading with an error naming the file, line (or MDS sample) and field,
/// unless `skipInvalid` is set: then they are counted in `statistics` and reading goes on. A
/// record whose prompt_id was already handed out is counted as a duplicate and skipped, so each
/// prompt is sampled once. (The set of ids seen is the one thing that grows with the input: 16
/// bytes per prompt.)
public final class PromptReader {
    public let path: String
    public let skipInvalid: Bool
    /// Stop after this many prompts; nil for all.
    public let limit: Int?
    public private(set) var statistics = PromptInputStatistics()

    private let cursor: RecordCursor
    private var seen: Set<IDFingerprint> = []

    public init(path: String, skipInvalid: Bool = false, limit: Int? = nil) throws(PromptInputError) {
        self.path = path
        self.skipInvalid = skipInvalid
        self.limit = limit
        do {
            cursor = try Shards.open(path).cursor()
        } catch {
            throw .unreadable(error)
        }
    }

    public convenience init(_ configuration: PromptInputConfiguration, path: String? = nil) throws(PromptInputError) {
        try self.init(path: path ?? configuration.path, skipInvalid: configuration.skipInvalid, limit: configuration.limit)
    }

    /// The next prompt, with a bad record's error in the caller's own error type: how a stage
    /// reading prompts inside its ordered window reports input errors.
    package func next<Failure: Error>(or wrap: (PromptInputError) -> Failure) throws(Failure) -> PromptRecord? {
        do throws(PromptInputError) {
            return try next()
        } catch {
            throw wrap(error)
        }
    }

    /// The next valid, not yet seen prompt; nil at the end of the input (or at the limit).
    public func next() throws(PromptInputError) -> PromptRecord? {
        while true {
            if let limit, statistics.prompts >= limit { return nil }
            let outcome: Result<PromptRecord, PromptValidator.Failure>?
            do throws(ShardError) {
                outcome = try cursor.nextJSON { bytes throws(ShardError) in Self.check(bytes) }
            } catch {
                throw .unreadable(error)
            }
            guard let outcome else { return nil }
            statistics.records += 1
            switch outcome {
            case .success(let prompt):
                guard seen.insert(IDFingerprint(prompt.promptID)).inserted else {
                    statistics.duplicates += 1
                    continue
                }
                statistics.prompts += 1
                return prompt
            case .failure(let failure):
                let invalid = InvalidPrompt(
                    file: cursor.lastFile ?? path, position: cursor.lastPosition ?? .record(statistics.records),
                    field: failure.field, problem: failure.problem)
                guard skipInvalid else { throw .invalid(invalid) }
                statistics.invalid[failure.problem.kind, default: 0] += 1
                if statistics.warnings.count < PromptInputStatistics.keptWarnings { statistics.warnings.append(invalid) }
            }
        }
    }

    private static func check(_ bytes: UnsafeRawBufferPointer) -> Result<PromptRecord, PromptValidator.Failure> {
        do throws(PromptValidator.Failure) {
            return .success(try PromptValidator.validate(json: bytes))
        } catch {
            return .failure(error)
        }
    }

    /// Every remaining prompt, as an async sequence (for pipeline stages).
    public var prompts: Prompts { Prompts(reader: self) }

    /// The remaining prompts of a reader as an `AsyncSequence`.
    public struct Prompts: AsyncSequence {
        public typealias Element = PromptRecord
        let reader: PromptReader

        public struct AsyncIterator: AsyncIteratorProtocol {
            let reader: PromptReader
            public mutating func next() async throws(PromptInputError) -> PromptRecord? {
                try reader.next()
            }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(reader: reader) }
    }

    /// 128 bits of a prompt id's SHA-256: enough to tell ids apart without keeping them.
    private struct IDFingerprint: Hashable {
        var high: UInt64
        var low: UInt64

        init(_ id: String) {
            var digest = Digest(.sha256)
            digest.update(Array(id.utf8))
            let bytes = digest.finalize()
            high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
            low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
        }
    }
}
