import Foundation
import Testing
import PrefabShards

/// `JSONWriter`, which the simulator streams response bodies with: its pieces must read back as
/// the same JSON `JSONValue` writes.
@Suite struct JSONWriterTests {
    @Test func streamedPiecesEqualTheSerializedValue() throws {
        let text = "x\"y\\z\n\u{01}\té😀"
        let value: JSONValue = ["text": .string(text), "count": -42, "score": 0.25, "list": [1, 2.0, nil, true], "nested": ["empty": [:]]]
        var writer = JSONWriter()
        writer.raw("{\"text\":")
        writer.string(text)
        writer.raw(",\"count\":")
        writer.int(-42)
        writer.raw(",\"score\":")
        writer.double(0.25)
        writer.raw(",\"list\":[")
        writer.int(1)
        writer.raw(",")
        writer.double(2)
        writer.raw(",null,true],\"nested\":")
        writer.value(["empty": [:]])
        writer.raw("}")
        #expect(writer.bytes == value.serializedBytes())
        #expect(try JSONValue(parsing: writer.bytes) == value)
        // Foundation reads it too: an outside check of the escapes.
        let foundation = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any]
        #expect(foundation?["text"] as? String == text)
    }

    @Test func numbersAreSpelledAsPythonDoes() {
        var writer = JSONWriter()
        for (offset, number) in [2.0, -0.0001, 1e-05, 1.5e16, 0.1].enumerated() {
            if offset > 0 { writer.raw(",") }
            writer.double(number)
        }
        writer.raw(",")
        writer.int(Int.min)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "2.0,-0.0001,1e-05,1.5e+16,0.1,-9223372036854775808")
    }
}
