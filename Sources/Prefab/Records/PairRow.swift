/// One output row: its fields in the format's column order, and the prompt it came from (for the
/// train/test split and the run journal; not written unless the format has a prompt_id column).
public struct PairRow: Hashable, Sendable {
    public var promptID: String
    public var fields: [Field]

    public struct Field: Hashable, Sendable {
        public var name: String
        public var value: PairField
    }

    public init(promptID: String, fields: [(String, PairField)]) {
        self.promptID = promptID
        self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    }

    public subscript(name: String) -> PairField? {
        fields.first { $0.name == name }?.value
    }
}
