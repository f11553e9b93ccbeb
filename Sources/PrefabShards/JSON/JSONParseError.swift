/// Why a piece of text is not the JSON expected, and where (byte offset into the text).
///
/// Readers wrap it in a `ShardError` that adds the file and line.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the problem from the start of the parsed text.
    public let offset: Int
    public let reason: String

    public var description: String { "\(reason) at byte \(offset + 1)" }
}
