import Foundation
import Testing
import PrefabShards

/// `canonicalBytes()`: the one spelling request bodies and response-cache keys are built from.
@Suite struct JSONCanonicalTests {
    @Test func memberOrderDoesNotChangeTheBytes() {
        let forward: JSONValue = ["b": 1, "a": ["y": true, "x": nil], "c": [2, "s"]]
        let backward: JSONValue = ["c": [2, "s"], "a": ["x": nil, "y": true], "b": 1]
        #expect(forward.canonicalBytes() == backward.canonicalBytes())
        #expect(String(decoding: forward.canonicalBytes(), as: UTF8.self) == #"{"a":{"x":null,"y":true},"b":1,"c":[2,"s"]}"#)
    }

    @Test func keysSortByCodePoint() {
        let value: JSONValue = ["é": 1, "z": 2, "Z": 3, "😀": 4, "ｚ": 5]
        #expect(String(decoding: value.canonicalBytes(), as: UTF8.self) == #"{"Z":3,"z":2,"é":1,"ｚ":5,"😀":4}"#)
    }

    @Test func integersStayIntegersAndIntegralDoublesDropTheirFraction() {
        let value: JSONValue = [
            "maxLength": .int(200), "big": .int(.max), "one": .double(1), "negative": .double(-2), "zero": .double(-0.0),
        ]
        #expect(String(decoding: value.canonicalBytes(), as: UTF8.self) == #"{"big":9223372036854775807,"maxLength":200,"negative":-2,"one":1,"zero":0}"#)
    }

    @Test func otherDoublesUseTheShortestRoundTripText() throws {
        let value: JSONValue = [.double(0.7), .double(-1.25e-7), .double(1e15), .double(2.5e300), .double(0.1 + 0.2)]
        let text = String(decoding: value.canonicalBytes(), as: UTF8.self)
        #expect(text == "[0.7,-1.25e-07,1000000000000000.0,2.5e+300,0.30000000000000004]")
        #expect(try JSONValue(parsing: text) == value)
    }

    @Test func nonFiniteNumbersBecomeNull() {
        let value: JSONValue = [.double(.nan), .double(.infinity), .double(-.infinity)]
        #expect(String(decoding: value.canonicalBytes(), as: UTF8.self) == "[null,null,null]")
    }

    @Test func stringsAreCompactUTF8WithControlCharactersEscaped() throws {
        let value: JSONValue = ["text": "quote\" backslash\\ newline\n tab\t bell\u{07} é 🙂 /"]
        let bytes = value.canonicalBytes()
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"text":"quote\" backslash\\ newline\n tab\t bell\u0007 é 🙂 /"}"#)
        #expect(try JSONValue(parsing: Data(bytes)) == value)
        let object: JSONObject = ["b": 1, "a": 2]
        #expect(object.canonicalBytes() == Array(#"{"a":2,"b":1}"#.utf8))
    }
}
