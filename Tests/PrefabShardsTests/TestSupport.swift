import Foundation
import PrefabShards

/// Fixture and scratch-directory helpers shared by the shard tests.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/shards").path

    static func path(_ relative: String) -> String { root + "/" + relative }

    static func data(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    /// Lines of a JSONL fixture, parsed.
    static func jsonLines(_ relative: String) throws -> [JSONObject] {
        let text = String(decoding: try data(relative), as: UTF8.self)
        return try text.split(separator: "\n").map { try JSONObject(parsing: String($0)) }
    }

    /// The samples `write_golden.py` writes.
    static let goldenSamples: [JSONObject] = [
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

    static let goldenColumns: [MDSColumn] = [
        MDSColumn(name: "prompt", encoding: .str), MDSColumn(name: "chosen", encoding: .json),
        MDSColumn(name: "rejected", encoding: .json), MDSColumn(name: "score_chosen", encoding: .float64),
    ]
}

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct ScratchDirectory {
    let path: String

    init(_ label: String = "prefab-shards") {
        path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func sub(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs a command and returns (status, stdout, stderr).
@discardableResult
func runProcess(_ executable: String, _ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    if let stdin {
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
    } else {
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }
    // Read both pipes before waiting so a large output cannot block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// `zstd -t FILE` from Debian's zstd package: the outside check that Prefab's files are valid.
func zstdTest(_ path: String) throws -> Bool {
    try runProcess("/usr/bin/zstd", ["-q", "-t", path]).status == 0
}

func flipByte(in path: String, at offset: Int) throws {
    var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[offset] ^= 0x40
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func truncate(_ path: String, by count: Int) throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    try bytes.prefix(bytes.count - count).write(to: URL(fileURLWithPath: path))
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? -1
}

/// The seed randomized tests give `SplitMix64`: fixed, so they check the same cases on every run
/// and a failure reproduces. `PREFAB_TEST_SEED=N swift test` explores other cases.
enum TestSeed {
    static let value: UInt64 = ProcessInfo.processInfo.environment["PREFAB_TEST_SEED"].flatMap { UInt64($0) } ?? 0x5EED_2026
}
