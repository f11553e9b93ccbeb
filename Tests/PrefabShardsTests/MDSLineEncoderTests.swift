import Foundation
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
        var generator = SystemRandomNumberGenerator()
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
        }
    }

    @Test func mdsRecordsReadBackAsTheSameCompactJSONTextWhetherParsedOrNot() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let records = RoundTripTests.records(count: 50)
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
