import PrefabShards

/// A record a stage writes to its shards (samples, rated). Its MDS columns are its coding keys,
/// in the order they are declared, so the MDS copy can never lose or misname a field the
/// JSONL.zst copy has: every key is a `json` column (nullable or nested) except the ones that
/// are always plain strings.
package protocol StageRecord: Codable {
    associatedtype CodingKeys: CodingKey & CaseIterable
    /// Keys whose values are always strings: MDS `str` columns.
    static var stringKeys: Set<String> { get }
}

extension StageRecord {
    /// The MDS copy's columns, from the coding keys.
    package static var mdsColumns: [MDSColumn] {
        CodingKeys.allCases.map { key in
            MDSColumn(name: key.stringValue, encoding: stringKeys.contains(key.stringValue) ? .str : .json)
        }
    }
}
