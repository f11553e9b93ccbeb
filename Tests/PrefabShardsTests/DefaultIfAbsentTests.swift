import Foundation
import Testing

@testable import PrefabShards

/// `@DefaultIfAbsent`: a record that grew a field still reads files written before it, and
/// writes exactly what the bare property would.
@Suite struct DefaultIfAbsentTests {
    private struct Wrapped: Codable, Equatable {
        var name: String
        @DefaultIfAbsent var tags: [String]
        @DefaultIfAbsent var count: Int
        @DefaultIfAbsent var seen: Bool
        var note: String?
    }

    /// The same fields without the wrapper: what the wrapped type must encode like.
    private struct Bare: Codable {
        var name: String
        var tags: [String]
        var count: Int
        var seen: Bool
        var note: String?
    }

    private static func decode(_ json: String) throws -> Wrapped {
        try JSONDecoder().decode(Wrapped.self, from: Data(json.utf8))
    }

    @Test func aMissingOrNullKeyDecodesAsTheEmptyValue() throws {
        let missing = try Self.decode(#"{"name":"a"}"#)
        #expect(missing == Wrapped(name: "a", tags: [], count: 0, seen: false, note: nil))
        let null = try Self.decode(#"{"name":"a","tags":null,"count":null,"seen":null}"#)
        #expect(null == missing)
        let present = try Self.decode(#"{"name":"a","tags":["x"],"count":3,"seen":true,"note":"n"}"#)
        #expect(present == Wrapped(name: "a", tags: ["x"], count: 3, seen: true, note: "n"))
    }

    @Test func aWrongTypeIsStillAnError() {
        #expect(throws: DecodingError.self) { try Self.decode(#"{"name":"a","count":"three"}"#) }
        #expect(throws: DecodingError.self) { try Self.decode(#"{"tags":[]}"#) }
    }

    @Test func encodingIsByteForByteTheBarePropertys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (tags, count, seen, note) in [([String](), 0, false, String?.none), (["x", "y"], 7, true, "n")] {
            let wrapped = try encoder.encode(Wrapped(name: "a", tags: tags, count: count, seen: seen, note: note))
            let bare = try encoder.encode(Bare(name: "a", tags: tags, count: count, seen: seen, note: note))
            #expect(String(decoding: wrapped, as: UTF8.self) == String(decoding: bare, as: UTF8.self))
        }
    }
}
