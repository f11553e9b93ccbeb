import Foundation
import PrefabTestSupport
import Testing
@testable import PrefabShards

@Suite struct JSONValueTests {
    @Test func parsingKeepsMemberOrderAndSerialisesBackIdentically() throws {
        let text = #"{"z":1,"a":[1,2.5,true,null,{"é":"x","b":{}}],"m":[],"s":"line\nbreak \"q\" \\ 😀"}"#
        let value = try JSONValue(parsing: text)
        #expect(value.objectValue?.keys == ["z", "a", "m", "s"])
        #expect(value.serialized() == text)
    }

    @Test func pythonStylesMatchJsonDumpsByteForByte() throws {
        let value = try JSONValue(parsing: #"{"z": 1, "a": [1, 2.5, true, null, {"é": "x", "b": {}}], "m": [], "ü": -0.0, "A": 1e-07}"#)
        #expect(value.serialized(style: .python) == #"{"z": 1, "a": [1, 2.5, true, null, {"\u00e9": "x", "b": {}}], "m": [], "\u00fc": -0.0, "A": 1e-07}"#)
        #expect(value.serialized(style: .pythonSortedKeys) == #"{"A": 1e-07, "a": [1, 2.5, true, null, {"b": {}, "\u00e9": "x"}], "m": [], "z": 1, "\u00fc": -0.0}"#)
    }

    @Test func stringEscapesMatchPython() throws {
        for row in try Fixtures.jsonLines("python_json_strings.jsonl") {
            let text = row["text"]!
            #expect(text.serialized(style: .python) == row["ascii"]!.stringValue!)
            #expect(text.serialized(style: JSONStyle(spaced: true)) == row["utf8"]!.stringValue!)
            // And both parse back to the same string.
            #expect(try JSONValue(parsing: row["ascii"]!.stringValue!) == text)
        }
    }

    @Test func floatsFormatLikePythonRepr() throws {
        let rows = try Fixtures.jsonLines("float_repr_vectors.jsonl")
        #expect(rows.count > 500)
        for row in rows {
            let value = Double(bitPattern: UInt64(row["bits"]!.stringValue!, radix: 16)!)
            #expect(PythonFloatFormat.repr(value) == row["repr"]!.stringValue!, "bits \(row["bits"]!)")
            // The repr parses back to the same double.
            #expect(try JSONValue(parsing: PythonFloatFormat.repr(value)).doubleValue == value)
        }
        #expect(JSONValue.double(.nan).serialized() == "NaN")
        #expect(JSONValue.double(-.infinity).serialized() == "-Infinity")
    }

    @Test func integersStayIntegersAndHugeOnesBecomeDoubles() throws {
        #expect(try JSONValue(parsing: "9223372036854775807") == .int(.max))
        #expect(try JSONValue(parsing: "-9223372036854775808") == .int(.min))
        #expect(try JSONValue(parsing: "1.0").serialized() == "1.0")
        #expect(try JSONValue(parsing: "1e2") == .double(100))
        #expect(try JSONValue(parsing: "18446744073709551616").doubleValue == 18446744073709551616.0)
        #expect(JSONValue.int(1) == JSONValue.double(1))
        #expect(Set<JSONValue>([.int(1), .double(1)]).count == 1)
    }

    @Test func objectEqualityIgnoresOrderAndRepeatedKeysKeepTheLastValue() throws {
        let a = try JSONObject(parsing: #"{"a":1,"b":2}"#)
        let b = try JSONObject(parsing: #"{"b":2,"a":1}"#)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        let repeated = try JSONObject(parsing: #"{"a":1,"b":2,"a":3}"#)
        #expect(repeated.keys == ["a", "b"])
        #expect(repeated["a"] == 3)
    }

    @Test(arguments: [
        ("{\"a\":1,}", "expected a string key"),
        ("{\"a\" 1}", "expected ':'"),
        ("[1 2]", "expected ',' or ']'"),
        ("\"abc", "unterminated string"),
        ("\"a\u{01}b\"", "raw control character"),
        ("01", "leading zero"),
        ("{\"a\":1} x", "unexpected content after"),
        ("tru", "invalid literal"),
        ("\"\\x\"", "invalid escape"),
        ("", "unexpected end of input"),
    ])
    func malformedInputIsRejectedWithAReason(text: String, reason: String) {
        #expect {
            _ = try JSONValue(parsing: text)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: [UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")]) }
    }

    @Test func surrogatePairsDecodeAndLoneSurrogatesBecomeReplacementCharacters() throws {
        #expect(try JSONValue(parsing: #""\ud83d\ude00""#) == "😀")
        #expect(try JSONValue(parsing: #""\ud83d x""#) == "\u{FFFD} x")
    }

    @Test func deepNestingIsRefusedNotCrashed() {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: text) }
    }

    @Test func codableBridgingRoundTripsATypedRecord() throws {
        struct Pair: Codable, Equatable {
            var prompt: String
            var score: Double
            var tags: [String]
        }
        let pair = Pair(prompt: "hi ü", score: 4.5, tags: ["a"])
        let object = try JSONObject(encoding: pair)
        #expect(object["prompt"] == "hi ü")
        #expect(try object.decode(Pair.self) == pair)
        let encoded = try JSONEncoder().encode(JSONValue.object(object))
        #expect(try JSONDecoder().decode(JSONValue.self, from: encoded) == .object(object))
    }

    @Test func prettyStyleIndentsWithSortedKeys() {
        let value: JSONValue = ["b": [1, 2], "a": [:]]
        #expect(value.serialized(style: .pretty) == "{\n  \"a\": {},\n  \"b\": [\n    1,\n    2\n  ]\n}")
    }
}
