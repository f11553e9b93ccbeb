import Foundation

/// Converts any readable input (JSONL, JSONL.zst, MDS) into a new shard directory: what
/// `prefab convert` runs.
///
/// For MDS output without explicit columns, a first pass infers them from every record: a key
/// whose values are all strings becomes `str`, all integers `int64`, all numbers `float64`,
/// anything else `json`. A record missing a column, or (with explicit columns) holding a value
/// that does not fit, is an error naming its file and line. On error the output directory is
/// removed, so a failed conversion leaves nothing behind.
public enum ShardConverter {
    @discardableResult
    public static func convert(input: String, output: String, options: ShardWriterOptions, verification: Verification = .standard) throws(ShardError) -> ShardManifest {
        try convert(input: input, output: output, options: options, verification: verification) { _ in }
    }

    /// `convert`, telling `written` the running count of records written after each one, so
    /// `prefab convert` can show progress on a large input; it must be cheap.
    @discardableResult
    package static func convert(
        input: String, output: String, options: ShardWriterOptions, verification: Verification = .standard,
        written: (Int) -> Void
    ) throws(ShardError) -> ShardManifest {
        let dataset = try ShardDataset.open(input, verification: verification)
        var options = options
        if options.format == .mds, options.columns == nil {
            options.columns = try inferColumns(dataset)
        }
        let existed = FileManager.default.fileExists(atPath: output)
        let writer = try Shards.makeWriter(directory: output, options: options)
        do throws(ShardError) {
            let cursor = try dataset.cursor()
            var count = 0
            // Records travel as JSON text: JSONL lines are copied (validated by the writer) or
            // encoded straight into MDS samples, never parsed into values and re-serialised.
            while try cursor.nextJSON({ (line: UnsafeRawBufferPointer) throws(ShardError) -> Void in
                do throws(ShardError) {
                    try writer.write(jsonLine: line)
                } catch {
                    throw relocate(error, to: cursor)
                }
            }) != nil {
                count += 1
                written(count)
            }
            return try writer.finish()
        } catch {
            writer.abandon()
            removeOutput(output, existed: existed)
            throw error
        }
    }

    /// Column inference over every record (see the type's documentation).
    public static func inferColumns(_ dataset: ShardDataset) throws(ShardError) -> [MDSColumn] {
        if let index = dataset.mdsIndex, let first = index.shards.first { return first.columns }
        struct Seen {
            var count = 0
            var strings = 0
            var integers = 0
            var numbers = 0
        }
        var order: [String] = []
        var seen: [String: Seen] = [:]
        var total = 0
        let cursor = try dataset.cursor()
        while let record = try cursor.next() {
            total += 1
            for (key, value) in record {
                if seen[key] == nil {
                    seen[key] = Seen()
                    order.append(key)
                }
                seen[key]!.count += 1
                switch value {
                case .string: seen[key]!.strings += 1
                case .int: seen[key]!.integers += 1; seen[key]!.numbers += 1
                case .double: seen[key]!.numbers += 1
                default: break
                }
            }
        }
        guard total > 0 else { throw .invalidArgument("\(dataset.path) holds no records: cannot infer MDS columns (pass --columns)") }
        if let partial = order.first(where: { seen[$0]!.count < total }) {
            // Find the first record that lacks it, to name its line.
            let again = try dataset.cursor()
            while let record = try again.next() {
                guard record[partial] == nil else { continue }
                throw .invalidRecord(path: again.lastFile ?? dataset.path, position: again.lastPosition ?? .record(again.recordsRead), field: partial,
                                     reason: "missing; other records have it, and every MDS column must be in every record")
            }
            throw .invalidRecord(path: dataset.path, position: .record(0), field: partial, reason: "missing in some records")
        }
        return order.map { key in
            let stats = seen[key]!
            let encoding: MDSEncoding =
                stats.strings == total ? .str : stats.integers == total ? .int64 : stats.numbers == total ? .float64 : .json
            return MDSColumn(name: key, encoding: encoding)
        }
    }

    /// A writer's error about "record N" becomes an error about the input file and line.
    private static func relocate(_ error: ShardError, to cursor: RecordCursor?) -> ShardError {
        guard let cursor, let file = cursor.lastFile, let position = cursor.lastPosition else { return error }
        switch error {
        case .invalidRecord(_, .record, let field, let reason):
            return .invalidRecord(path: file, position: position, field: field, reason: reason)
        case .invalidJSON(_, .record, let reason):
            return .invalidJSON(path: file, position: position, reason: reason)
        default:
            return error
        }
    }

    private static func removeOutput(_ output: String, existed: Bool) {
        // The writer refused a non-empty directory, so everything in it is ours.
        let manager = FileManager.default
        if existed {
            for name in (try? manager.contentsOfDirectory(atPath: output)) ?? [] {
                try? manager.removeItem(atPath: output + "/" + name)
            }
        } else {
            try? manager.removeItem(atPath: output)
        }
    }
}
