/// The records of a `ShardDataset` as an `AsyncSequence`: `for try await record in dataset.records()`.
///
/// Reading is synchronous file I/O under the hood; the sequence lets async pipeline stages
/// consume records without blocking-call ceremony. Each iteration opens its own cursor.
public struct ShardRecords: AsyncSequence, Sendable {
    public typealias Element = JSONObject

    let dataset: ShardDataset
    let offset: Int

    public struct AsyncIterator: AsyncIteratorProtocol {
        let dataset: ShardDataset
        let offset: Int
        var cursor: RecordCursor?
        var done = false

        public mutating func next() async throws -> JSONObject? {
            guard !done else { return nil }
            if cursor == nil { cursor = try dataset.cursor(offset: offset) }
            let record = try cursor!.next()
            if record == nil { done = true }
            return record
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(dataset: dataset, offset: offset)
    }
}
