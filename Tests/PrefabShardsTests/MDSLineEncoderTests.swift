import Foundation
import PrefabTestSupport
import Testing
@testable import PrefabShards

/// The line fast path (`MDSWriter.write(jsonLine:)`) must produce exactly the bytes, and the
/// errors, of encoding the parsed record.
@Suite struct MDSLineEncoderTests {
    static let awkwardLines: [String] = [
        #"{"a": "plain", "b": {"x": [1, -0, 2.50, 1e5, -1E-7, 123456789012345678901234, true, false, null]}}"#,
        #"{"b":{"é":"\u00e9\ud83d\ude00\n\t\"\\\/\u0001\u007f"},"a":"caf\u00e9 \ud83d x \u0041"}"#,
        "{\"a\":\"raw é 😀 \u{7F} DEL\",\"b\":[\"\u{7F}\",{}, [] ,{ }]}",
        #"{ "a" : "" , "b" : "" }"#,
        #"{"a":"dup","b":1,"a":"last"}"#,
        #"{"\u0061":"escaped key","b":NaN}"#,
        #"{"a":"x","b":[Infinity,-Infinity,0.1,100.0,1e16,1e-5]}"#,
    ]

    static func encodeBoth(_ line: String, columns: [MDSColumn]) throws -> (fromLine: [UInt8], fromRecord: [UInt8]) {
        var encoder = MDSLineEncoder(columns: columns.sorted { $0.name < $1.name })
        var fromLine: [UInt8] = []
        var text = line
        try text.withUTF8 { buffer in
            do {
                try encoder.encode(UnsafeRawBufferPointer(buffer), into: &fromLine)
            } catch {
                throw ShardError.invalidArgument("\(error)")
            }
        }
        let record = try JSONObject(parsing: line)
        var fromRecord: [UInt8] = []
        for column in encoder.columns where column.encoding.fixedSize == nil { _ = column; fromRecord += [0, 0, 0, 0] }
        var variable = 0
        for column in encoder.columns {
            let start = fromRecord.count
            try column.encoding.encode(record[column.name]!, into: &fromRecord)
            if column.encoding.fixedSize == nil {
                withUnsafeBytes(of: UInt32(fromRecord.count - start).littleEndian) { bytes in
                    for offset in 0..<4 { fromRecord[variable * 4 + offset] = bytes[offset] }
                }
                variable += 1
            }
        }
        return (fromLine, fromRecord)
    }

    @Test(arguments: awkwardLines)
    func lineEncodingEqualsRecordEncoding(line: String) throws {
        let (fromLine, fromRecord) = try Self.encodeBoth(line, columns: [MDSColumn(name: "a", encoding: .str), MDSColumn(name: "b", encoding: .json)])
        #expect(fromLine == fromRecord, "\(String(decoding: fromLine, as: UTF8.self)) vs \(String(decoding: fromRecord, as: UTF8.self))")
    }

    @Test func transcoderMatchesPythonStyleSerialisationOnRandomValues() throws {
        var generator = SplitMix64(seed: TestSeed.value)
        let strings = ["", "é", "😀", "\u{7F}", "\n\t\"\\", "日本", "\u{1}", "/"]
        func random(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 3 ? 5 : 8), using: &generator) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &generator))
            case 2: return .int(Int64.random(in: -1_000_000...1_000_000, using: &generator))
            case 3: return .double(Double.random(in: -1e6...1e6, using: &generator) * pow(10, Double(Int.random(in: -12...12, using: &generator))))
            case 4: return .string((0..<Int.random(in: 0...4, using: &generator)).map { _ in strings.randomElement(using: &generator)! }.joined())
            case 5, 6: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in random(depth + 1) })
            default:
                return .object(JSONObject((0..<Int.random(in: 0...4, using: &generator)).map { ("k\($0)" + strings.randomElement(using: &generator)!, random(depth + 1)) }))
            }
        }
        for _ in 0..<500 {
            let value = random(0)
            let compact = value.serializedBytes(style: .compact)
            var transcoded: [UInt8] = []
            compact.withUnsafeBufferPointer { PythonJSONTranscoder.transcode($0.baseAddress!, from: 0, to: $0.count, into: &transcoded) }
            #expect(transcoded == value.serializedBytes(style: .python), "\(value)")
            // The line encoder's single validating pass writes the same bytes for a json column.
            var encoder = MDSLineEncoder(columns: [MDSColumn(name: "b", encoding: .json)])
            var sample: [UInt8] = []
            let line = Array(#"{"b":"#.utf8) + compact + [UInt8(ascii: "}")]
            try line.withUnsafeBytes { raw in
                do { try encoder.encode(raw, into: &sample) } catch { throw ShardError.invalidArgument("\(error)") }
            }
            #expect(Array(sample.dropFirst(4)) == value.serializedBytes(style: .python), "\(value)")
        }
    }

    @Test func aRepeatedKeyInAJSONColumnKeepsOneMemberAsPythonDoes() throws {
        // json.loads keeps the first position and the last value; json.dumps then writes one member.
        let columns = [MDSColumn(name: "chosen", encoding: .json)]
        var encoder = MDSLineEncoder(columns: columns)
        for (line, expected) in [
            (#"{"chosen": {"role": "user", "content": "a", "role": "assistant"}}"#, #"{"role": "assistant", "content": "a"}"#),
            (#"{"chosen": [{"a": 1, "b": {"a": 2, "a": 3}}, {"a": 4}]}"#, #"[{"a": 1, "b": {"a": 3}}, {"a": 4}]"#),
            (#"{"chosen": {"\u00e9": 1, "é": 2}}"#, #"{"\u00e9": 2}"#),
            (#"{"chosen": {"a": {"x": 1}, "b": {"x": 2}}}"#, #"{"a": {"x": 1}, "b": {"x": 2}}"#),
        ] {
            var sample: [UInt8] = []
            try Array(line.utf8).withUnsafeBytes { raw in try encoder.encode(raw, into: &sample) }
            #expect(String(decoding: sample.dropFirst(4), as: UTF8.self) == expected, "\(line)")
        }
    }

    /// The encoder validates in the same pass as it encodes: on mutated records it must reject
    /// exactly what `JSONValidator` rejects, with the same error, and otherwise encode exactly
    /// as the parsed record encodes (or fail on the same column).
    @Test func mutatedLinesGiveTheValidatorsErrorsOrTheRecordsBytes() throws {
        let columns = [
            MDSColumn(name: "prompt", encoding: .str), MDSColumn(name: "empty", encoding: .str), MDSColumn(name: "chosen", encoding: .json),
            MDSColumn(name: "rejected", encoding: .json), MDSColumn(name: "score_chosen", encoding: .float64),
            MDSColumn(name: "score_rejected", encoding: .int64),
        ].sorted { $0.name < $1.name }
        let seeds = Fixtures.records(count: 30).map { $0.serializedBytes() }
        var generator = SplitMix64(seed: TestSeed.value)
        let interesting: [UInt8] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xE2, 0xF0, 0xFF, 0x30, 0x2D, 0x2E, 0x65, 0x75, 0x20, 0x44]
        var disagreements: [String] = []
        var encoder = MDSLineEncoder(columns: columns)
        for seed in seeds {
            for _ in 0..<300 {
                var bytes = seed
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    guard !bytes.isEmpty else { break }
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: bytes[index] = interesting.randomElement(using: &generator)!
                    case 1: bytes.remove(at: index)
                    default: bytes.insert(interesting.randomElement(using: &generator)!, at: index)
                    }
                }
                var encoded: [UInt8] = [7]
                let result: Result<Void, MDSLineEncoder.Failure> = bytes.withUnsafeBytes { raw in
                    Result { () throws(MDSLineEncoder.Failure) in try encoder.encode(raw, into: &encoded) }
                }
                let validation: Result<Void, JSONParseError> = bytes.withUnsafeBytes { raw in
                    Result { () throws(JSONParseError) in try JSONValidator.validateObject(raw) }
                }
                let text = String(decoding: bytes, as: UTF8.self)
                switch (result, validation) {
                case (.failure(.json(let ours)), .failure(let theirs)):
                    if ours.description != theirs.description { disagreements.append("\(text): \(ours) vs \(theirs)") }
                case (.failure(.json(let ours)), .success):
                    disagreements.append("\(text): encoder says \(ours), validator accepts")
                case (_, .failure(let theirs)):
                    disagreements.append("\(text): validator says \(theirs), encoder does not")
                case (.success, .success), (.failure(.field), .success):
                    // Valid JSON: the bytes (or the refusal) must be those of the parsed record.
                    let record = try JSONObject(parsing: bytes)
                    var expected: [UInt8] = [7] + Array(repeating: 0, count: 4 * columns.filter { $0.encoding.fixedSize == nil }.count)
                    var variable = 0
                    var fits = record.count == columns.count
                    for column in columns {
                        guard let value = record[column.name] else { fits = false; break }
                        let start = expected.count
                        do {
                            try column.encoding.encode(value, into: &expected)
                        } catch {
                            fits = false
                            break
                        }
                        if column.encoding.fixedSize == nil {
                            withUnsafeBytes(of: UInt32(expected.count - start).littleEndian) { length in
                                for offset in 0..<4 { expected[1 + variable * 4 + offset] = length[offset] }
                            }
                            variable += 1
                        }
                    }
                    if case .success = result {
                        if !fits || encoded != expected { disagreements.append("\(text): bytes differ from the record's") }
                    } else {
                        if fits { disagreements.append("\(text): refused, but the record fits") }
                        if encoded != [7] { disagreements.append("\(text): a refused line left bytes behind") }
                    }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, e.g. \(disagreements.prefix(3))")
    }

    @Test func mdsRecordsReadBackAsTheSameCompactJSONTextWhetherParsedOrNot() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let records = Fixtures.records(count: 50)
        let writer = try Shards.makeWriter(directory: scratch.sub("out"), options: ShardWriterOptions(format: .mds))
        for record in records { try writer.write(jsonLine: record.serialized()) }
        try writer.finish()
        let cursor = try Shards.open(scratch.sub("out")).cursor()
        var fromText: [JSONObject] = []
        while let record = try cursor.nextJSON({ (text: UnsafeRawBufferPointer) throws(ShardError) -> JSONObject in
            #expect(memchr(text.baseAddress!, 0x0A, text.count) == nil)
            return try! JSONObject(parsing: text)
        }) {
            fromText.append(record)
        }
        #expect(fromText == records)
        #expect(try Shards.open(scratch.sub("out")).readAll() == records)
    }
}
