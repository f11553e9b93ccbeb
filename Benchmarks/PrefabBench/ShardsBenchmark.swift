import ArgumentParser
import Foundation
import PrefabShards

/// `prefab-bench shards`: JSONL.zst and MDS write/read throughput against the zstd CLI on the
/// same bytes in the same run, and peak RSS of each phase (each runs as its own process).
struct ShardsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shards",
        abstract: "Shard write/read throughput vs `zstd -3 -T1` / `zstd -d`, and peak RSS while streaming."
    )

    @Option(help: "Size of the generated JSONL input, in MB.")
    var megabytes: Int = 500

    @Option(help: "Working directory for the input and outputs.")
    var work: String = "Benchmarks/.data/shards"

    @Option(help: "Runs per phase; the fastest counts.")
    var rounds: Int = 2

    @Option(help: "zstd level for both Prefab and the CLI.")
    var level: Int = 3

    func run() throws {
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let input = work + "/input-\(megabytes)mb.jsonl"
        if !FileManager.default.fileExists(atPath: input) {
            print("generating \(megabytes) MB of preference records → \(input)")
            try generate(megabytes: megabytes, to: input)
        }
        let inputBytes = (try FileManager.default.attributesOfItem(atPath: input)[.size] as! NSNumber).intValue
        let records = try lineCount(input)
        print("input: \(inputBytes) bytes, \(records) records")
        let me = try selfPath()
        let zstd = "/usr/bin/zstd"
        let baseline = work + "/baseline.jsonl.zst"
        let jsonlOut = work + "/out-jsonl"
        let mdsOut = work + "/out-mds"
        let columns = PreferenceRecordGenerator.columns.map(\.description).joined(separator: ",")

        struct Phase {
            var name: String
            var isWrite: Bool
            var command: String
            var arguments: [String]
            var stdout: String?
            var before: () -> Void = {}
        }
        let phases: [Phase] = [
            Phase(name: "zstd -\(level) -T1 (compress)", isWrite: true, command: zstd, arguments: ["-\(level)", "-T1", "-q", "-f", input, "-o", baseline]),
            Phase(name: "zstd -d (decompress)", isWrite: false, command: zstd, arguments: ["-d", "-q", "-c", baseline], stdout: "/dev/null"),
            Phase(name: "prefab write jsonl.zst", isWrite: true, command: me,
                  arguments: ["shards-phase", "write", "--format", "jsonl.zst", "--level", "\(level)", "--input", input, "--output", jsonlOut],
                  before: { try? FileManager.default.removeItem(atPath: jsonlOut) }),
            Phase(name: "prefab read jsonl.zst (lines)", isWrite: false, command: me, arguments: ["shards-phase", "read", "--input", jsonlOut], stdout: work + "/read-jsonl.txt"),
            Phase(name: "prefab read jsonl.zst (records)", isWrite: false, command: me, arguments: ["shards-phase", "read", "--records", "--input", jsonlOut], stdout: work + "/read-jsonl-records.txt"),
            Phase(name: "prefab write mds", isWrite: true, command: me,
                  arguments: ["shards-phase", "write", "--format", "mds", "--level", "\(level)", "--columns", columns, "--input", input, "--output", mdsOut],
                  before: { try? FileManager.default.removeItem(atPath: mdsOut) }),
            Phase(name: "prefab read mds (json)", isWrite: false, command: me, arguments: ["shards-phase", "read", "--input", mdsOut], stdout: work + "/read-mds.txt"),
            Phase(name: "prefab read mds (records)", isWrite: false, command: me, arguments: ["shards-phase", "read", "--records", "--input", mdsOut], stdout: work + "/read-mds-records.txt"),
        ]

        // Per phase: the fastest wall time, the lowest CPU time, the highest peak RSS over the rounds.
        var wall: [String: Double] = [:]
        var cpu: [String: Double] = [:]
        var rss: [String: Int] = [:]
        for round in 1...rounds {
            for phase in phases {
                phase.before()
                let result = try ChildProcess.run(phase.command, phase.arguments, stdoutTo: phase.stdout)
                guard result.status == 0 else { throw BenchError("\(phase.name) failed with status \(result.status)") }
                wall[phase.name] = min(wall[phase.name] ?? .infinity, result.seconds)
                cpu[phase.name] = min(cpu[phase.name] ?? .infinity, result.cpuSeconds)
                rss[phase.name] = max(rss[phase.name] ?? 0, result.peakRSSBytes)
                print("  round \(round)  \(pad(phase.name, 34)) \(String(format: "%7.3f", result.seconds)) s wall  \(String(format: "%7.3f", result.cpuSeconds)) s cpu")
            }
        }
        // Check the reads saw every record.
        for file in ["read-jsonl.txt", "read-jsonl-records.txt", "read-mds.txt", "read-mds-records.txt"] {
            let text = try String(contentsOfFile: work + "/" + file, encoding: .utf8)
            guard text.contains("records \(records) ") else { throw BenchError("\(file): expected \(records) records, got \(text)") }
        }

        let megabytesIn = Double(inputBytes) / 1e6
        let compressName = "zstd -\(level) -T1 (compress)"
        let decompressName = "zstd -d (decompress)"
        let jsonlSize = directorySize(jsonlOut)
        let mdsSize = directorySize(mdsOut)
        let baselineSize = (try? FileManager.default.attributesOfItem(atPath: baseline)[.size] as? NSNumber)?.intValue ?? 0
        print("")
        print("input \(String(format: "%.0f", megabytesIn)) MB of JSONL; throughput in MB of that JSONL per second of wall time and of CPU time;")
        print("ratio = Prefab / zstd CLI (writes against `zstd -\(level) -T1`, reads against `zstd -d`)")
        print("\(pad("phase", 34)) \(pad("wall MB/s", 10, left: true)) \(pad("ratio", 7, left: true)) \(pad("CPU MB/s", 10, left: true)) \(pad("ratio", 7, left: true)) \(pad("RSS MB", 8, left: true)) \(pad("output MB", 10, left: true))")
        func ratios(_ name: String, _ isWrite: Bool) -> (wall: Double, cpu: Double) {
            let base = isWrite ? compressName : decompressName
            return (wall[base]! / wall[name]!, cpu[base]! / cpu[name]!)
        }
        for phase in phases {
            let name = phase.name
            var output = ""
            if name == compressName { output = String(format: "%.1f", Double(baselineSize) / 1e6) }
            if name == "prefab write jsonl.zst" { output = String(format: "%.1f", Double(jsonlSize) / 1e6) }
            if name == "prefab write mds" { output = String(format: "%.1f", Double(mdsSize) / 1e6) }
            let ratio = ratios(name, phase.isWrite)
            print("\(pad(name, 34)) \(pad(String(format: "%.1f", megabytesIn / wall[name]!), 10, left: true)) \(pad(String(format: "%.2f×", ratio.wall), 7, left: true)) \(pad(String(format: "%.1f", megabytesIn / cpu[name]!), 10, left: true)) \(pad(String(format: "%.2f×", ratio.cpu), 7, left: true)) \(pad(String(format: "%.1f", Double(rss[name]!) / 1e6), 8, left: true)) \(pad(output, 10, left: true))")
        }
        let prefabPeak = phases.filter { $0.name.hasPrefix("prefab") }.map { rss[$0.name]! }.max() ?? 0
        print("")
        for (label, name, isWrite) in [("write jsonl.zst", "prefab write jsonl.zst", true), ("write mds", "prefab write mds", true),
                                       ("read jsonl.zst", "prefab read jsonl.zst (lines)", false), ("read mds", "prefab read mds (json)", false)] {
            let ratio = ratios(name, isWrite)
            print("\(pad(label, 16)) \(String(format: "%.2f× wall, %.2f× CPU", ratio.wall, ratio.cpu)) of \(isWrite ? "zstd -\(level) -T1" : "zstd -d")")
        }
        print(String(format: "peak RSS of any Prefab phase: %.0f MB", Double(prefabPeak) / 1e6))
    }

    private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? padding + text : text + padding
    }

    private func generate(megabytes: Int, to path: String) throws {
        var generator = PreferenceRecordGenerator()
        let target = megabytes * 1_000_000
        guard let file = fopen(path + ".tmp", "w") else { throw BenchError("cannot write \(path)") }
        var written = 0
        var index = 0
        var buffer: [UInt8] = []
        while written < target {
            buffer.removeAll(keepingCapacity: true)
            for _ in 0..<256 {
                generator.record(index).write(to: &buffer)
                buffer.append(UInt8(ascii: "\n"))
                index += 1
            }
            written += buffer.count
            _ = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        }
        fclose(file)
        rename(path + ".tmp", path)
    }

    private func lineCount(_ path: String) throws -> Int {
        guard let file = fopen(path, "r") else { throw BenchError("cannot read \(path)") }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var count = 0
        while true {
            let got = fread(&buffer, 1, buffer.count, file)
            if got == 0 { break }
            for byte in buffer[0..<got] where byte == 0x0A { count += 1 }
        }
        return count
    }

    private func directorySize(_ path: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.reduce(0) { total, name in
            total + (((try? FileManager.default.attributesOfItem(atPath: path + "/" + name))?[.size] as? NSNumber)?.intValue ?? 0)
        }
    }

    private func selfPath() throws -> String {
        let path = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        return path
    }
}

/// One measured phase, run in its own process by `prefab-bench shards`.
struct ShardsPhaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "shards-phase", shouldDisplay: false)

    @Argument var action: String
    @Option var input: String
    @Option var output: String?
    @Option var format: String = "jsonl.zst"
    @Option var level: Int = 3
    @Option var columns: String?
    @Flag var records = false

    func run() throws {
        switch action {
        case "write":
            var options = ShardWriterOptions(format: try ShardFormat(parsing: format), compression: .zstd(level: level))
            if let columns { options.columns = try MDSColumn.parseList(columns) }
            guard let output else { throw ValidationError("--output is required") }
            let manifest = try ShardConverter.convert(input: input, output: output, options: options)
            print("records \(manifest.recordCount) shards \(manifest.shards.count)")
        case "read":
            let cursor = try Shards.open(input).cursor()
            var count = 0
            var bytes = 0
            if records {
                while let record = try cursor.next() {
                    count += 1
                    bytes += record.count
                }
            } else {
                while let length = try cursor.nextJSON({ (line: UnsafeRawBufferPointer) throws(ShardError) -> Int in line.count }) {
                    count += 1
                    bytes += length
                }
            }
            print("records \(count) bytes \(bytes) ")
        default:
            throw ValidationError("unknown phase \(action)")
        }
    }
}
