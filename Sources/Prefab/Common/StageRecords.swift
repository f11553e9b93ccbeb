import PrefabShards

/// Reads a stage's shards (a directory or a file, any layout `Shards.open` knows) one record at
/// a time, decoded. The one reader of run directories that the report, the review index and
/// `eval-judges --human` share, so a bad record is reported the same way everywhere: the path,
/// the record's 1-based position and why.
package enum StageRecords {
    /// Calls `body` with each record in order and its 1-based position. `unreadable` makes the
    /// caller's error from the path, the record's position (nil when the shards cannot be
    /// opened at all) and the reason.
    package static func forEach<T: Decodable, E: Error>(
        _ type: T.Type, in path: String, unreadable: (_ path: String, _ record: Int?, _ reason: String) -> E,
        _ body: (_ position: Int, _ record: T) throws(E) -> Void
    ) throws(E) {
        try forEach(type, in: path, unreadable: unreadable) { (position, record: T, _) throws(E) in try body(position, record) }
    }

    /// `forEach`, also passing each record as read (for a caller that keeps its JSON: serializing
    /// the object costs far less than encoding the decoded value again).
    package static func forEach<T: Decodable, E: Error>(
        _ type: T.Type, in path: String, unreadable: (_ path: String, _ record: Int?, _ reason: String) -> E,
        _ body: (_ position: Int, _ record: T, _ object: JSONObject) throws(E) -> Void
    ) throws(E) {
        var index = 0
        let cursor: RecordCursor
        do { cursor = try Shards.open(path).cursor() } catch {
            throw unreadable(path, nil, "\(error)")
        }
        while true {
            index += 1
            let object: JSONObject?
            do { object = try cursor.next() } catch {
                throw unreadable(path, index, "\(error)")
            }
            guard let object else { return }
            let value: T
            do { value = try object.decode(T.self) } catch {
                throw unreadable(path, index, JudgeStage.describe(error))
            }
            try body(index, value, object)
        }
    }
}
