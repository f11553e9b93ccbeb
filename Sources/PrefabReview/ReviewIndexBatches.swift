import Foundation
import PrefabShards

/// Reads a rated directory for the index build: each record's JSON text as stored, parsed, its
/// queue facts taken out and the text compressed, several records at a time on every core; then
/// handed over one by one, in order, to the single SQLite writer.
///
/// The record goes into the index as the shard holds it (compressed), never decoded into a
/// `RatedRecord` and encoded again: the item view decodes the one record it shows. Parsing and
/// compressing are the build's work; SQLite takes the rows in one transaction through one
/// prepared statement, so it is not what a 100,000-prompt build waits for.
enum ReviewIndexBatches {
    /// Records per batch: enough to keep every core busy, few enough that a batch of long
    /// answers stays a few megabytes.
    static let batchSize = 1024

    private enum Prepared {
        case item(ReviewItemFacts, compressed: [UInt8])
        case invalid(String)
    }

    /// Calls `body` with each record's 1-based position, its facts and its compressed JSON, in
    /// order. A record that cannot be read stops the build with the path, its position and why.
    static func forEach(
        rated: String, _ body: (_ position: Int, _ item: ReviewItemFacts, _ compressed: [UInt8]) throws(ReviewError) -> Void
    ) throws(ReviewError) {
        let cursor: RecordCursor
        do { cursor = try Shards.open(rated).cursor() } catch {
            throw .unreadable(path: rated, record: nil, reason: "\(error)")
        }
        var position = 0
        var batch: [[UInt8]] = []
        batch.reserveCapacity(batchSize)
        func flush() throws(ReviewError) {
            let first = position - batch.count + 1
            for (offset, prepared) in prepare(batch).enumerated() {
                switch prepared {
                case .item(let item, let compressed): try body(first + offset, item, compressed)
                case .invalid(let reason): throw .unreadable(path: rated, record: first + offset, reason: reason)
                }
            }
            batch.removeAll(keepingCapacity: true)
        }
        while true {
            let line: [UInt8]?
            do { line = try cursor.nextJSON { [UInt8]($0) } } catch {
                try flush()
                throw .unreadable(path: rated, record: position + 1, reason: "\(error)")
            }
            guard let line else { break }
            position += 1
            batch.append(line)
            if batch.count == batchSize { try flush() }
        }
        try flush()
    }

    /// Parses and compresses a batch, split over the cores (each worker its own compressor).
    private static func prepare(_ lines: [[UInt8]]) -> [Prepared] {
        guard !lines.isEmpty else { return [] }
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, lines.count))
        var results = [Prepared](repeating: .invalid(""), count: lines.count)
        results.withUnsafeMutableBufferPointer { out in
            // Each worker writes only its own positions, and the call returns after all of them.
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let compressor = ZstdBlob(level: 3)
                for index in stride(from: worker, to: lines.count, by: workers) {
                    out[index] = prepare(lines[index], compressor: compressor)
                }
            }
        }
        return results
    }

    private static func prepare(_ line: [UInt8], compressor: ZstdBlob) -> Prepared {
        let object: JSONObject
        do { object = try JSONObject(parsing: line) } catch {
            return .invalid("not valid JSON: \(error)")
        }
        do {
            return .item(try ReviewItemFacts(json: object), compressed: compressor.compress(line))
        } catch {
            return .invalid(error.reason)
        }
    }
}
