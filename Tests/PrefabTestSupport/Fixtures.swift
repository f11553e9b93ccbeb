import Foundation
import PrefabShards

/// The shard fixtures under `Tests/Fixtures/shards` and records made to test shards with, for
/// the shard tests and the CLI tests.
public enum Fixtures {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/shards").path

    public static func path(_ relative: String) -> String { root + "/" + relative }

    public static func data(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    /// Lines of a JSONL fixture, parsed.
    public static func jsonLines(_ relative: String) throws -> [JSONObject] {
        let text = String(decoding: try data(relative), as: UTF8.self)
        return try text.split(separator: "\n").map { try JSONObject(parsing: String($0)) }
    }

    /// The samples `write_golden.py` writes.
    public static let goldenSamples: [JSONObject] = [
        [
            "prompt": "What is 2+2?",
            "chosen": [["role": "user", "content": "What is 2+2?"], ["role": "assistant", "content": "4"]],
            "rejected": [["role": "user", "content": "What is 2+2?"], ["role": "assistant", "content": "5"]],
            "score_chosen": 9.5,
        ],
        [
            "prompt": "Say café",
            "chosen": ["text": "café \u{1F600}", "n": 1],
            "rejected": ["text": "cafe", "n": nil],
            "score_chosen": -1.25,
        ],
        [
            "prompt": "",
            "chosen": "plain string",
            "rejected": [1, 2.5, true],
            "score_chosen": 0.0,
        ],
    ]

    public static let goldenColumns: [MDSColumn] = [
        MDSColumn(name: "prompt", encoding: .str), MDSColumn(name: "chosen", encoding: .json),
        MDSColumn(name: "rejected", encoding: .json), MDSColumn(name: "score_chosen", encoding: .float64),
    ]

    /// Preference-pair-like records with non-ASCII, emoji, empty strings, control characters,
    /// and a few large ones.
    public static func records(count: Int, largeEvery: Int = 0, largeSize: Int = 200_000) -> [JSONObject] {
        let words = ["naïve", "café", "日本語のテキスト", "😀🎉", "", "plain ascii", "tab\there", "quote \" and \\", "Ωμέγα", "line\nbreak"]
        return (0..<count).map { index in
            var prompt = "Q\(index): " + words[index % words.count]
            if largeEvery > 0, index % largeEvery == largeEvery - 1 {
                prompt += String(repeating: "long é😀 text ", count: largeSize / 16)
            }
            return [
                "prompt": .string(prompt),
                "chosen": [["role": "user", "content": .string(prompt)], ["role": "assistant", "content": .string(words[(index + 3) % words.count])]],
                "rejected": [["role": "assistant", "content": ""]],
                "score_chosen": .double(Double(index % 10) + 0.5),
                "score_rejected": .int(Int64(index % 7)),
                "empty": "",
            ]
        }
    }
}
