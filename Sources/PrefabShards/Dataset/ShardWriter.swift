/// Something that appends records to an output directory of shards and, on `finish`, writes
/// the directory's index and manifest.
///
/// Pipeline stages write through this protocol without caring about the format. A writer is
/// used from one task at a time (wrap it in an actor to share it). Until `finish` returns the
/// directory has no manifest (and, for MDS, no `index.json`), so a killed run never looks complete.
public protocol ShardWriter: AnyObject {
    var directory: String { get }
    var format: ShardFormat { get }
    /// Records accepted so far.
    var recordCount: Int { get }
    /// The file in `directory` that holds the last record accepted (nil before the first), so a
    /// caller can note where each record went. Shards are cut deterministically: the same
    /// records in the same order land in the same files.
    var currentShard: String? { get }

    /// Appends a record.
    func write(_ record: JSONObject) throws(ShardError)

    /// Appends a record given as one line of JSON text (an object, no line break inside; a
    /// trailing newline is allowed). The fast path when records are already serialised.
    func write(jsonLine: UnsafeRawBufferPointer) throws(ShardError)

    /// Writes the last shard, the index and the manifest. The writer cannot be used afterwards.
    @discardableResult
    func finish() throws(ShardError) -> ShardManifest

    /// Stops without writing an index or manifest, removing the shard being written.
    func abandon()
}

extension ShardWriter {
    /// Appends a record given as JSON text (see `write(jsonLine:)`).
    public func write(jsonLine: some StringProtocol) throws(ShardError) {
        var text = String(jsonLine)
        let result: Result<Void, ShardError> = text.withUTF8 { buffer in
            Result { () throws(ShardError) in try write(jsonLine: UnsafeRawBufferPointer(buffer)) }
        }
        try result.get()
    }

    /// Appends a record given as JSON text bytes (see `write(jsonLine:)`).
    public func write(jsonLine bytes: [UInt8]) throws(ShardError) {
        let result: Result<Void, ShardError> = bytes.withUnsafeBytes { raw in
            Result { () throws(ShardError) in try write(jsonLine: raw) }
        }
        try result.get()
    }
}
