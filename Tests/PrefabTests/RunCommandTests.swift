import Foundation
import Prefab
import PrefabSimulator
import Testing

/// `prefab run` and `prefab validate` as a user runs them: progress on and off a terminal,
/// exit statuses, the dry run's table.
@Suite("prefab run command")
struct RunCommandTests {
    @Test func offATerminalProgressIsPlainPeriodicLines() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 24, window: 2)
            let result = try await JudgingFixtures.run(["run", run.config, "--no-report", "--progress-interval", "0.05"])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count >= 2)
            #expect(lines.last?.contains("24/24 prompts") == true, "\(lines.last ?? "")")
            #expect(!result.stderr.contains("\u{1B}["))
            #expect(result.stdout.contains("24 of 24 prompts done"))
        }
    }

    @Test func jsonProgressIsOneObjectPerLine() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 12)
            let result = try await JudgingFixtures.run(["run", run.config, "--no-report", "--json-progress", "--progress-interval", "0.05"])
            #expect(result.status == 0)
            let objects = try result.stderr.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            #expect(!objects.isEmpty)
            #expect(objects.last?["done"] as? Int == 12 && objects.last?["total"] as? Int == 12)
            #expect(objects.last?["endpoints"] is [Any])
        }
    }

    @Test func quietPrintsNothingButTheSummary() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 4)
            let result = try await JudgingFixtures.run(["run", run.config, "--no-report", "--quiet"])
            #expect(result.status == 0 && result.stderr.isEmpty)
            #expect(result.stdout.contains("4 of 4 prompts done"))
        }
    }

    @Test func onATerminalProgressIsOneLiveDisplayRedrawnInPlace() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 24, window: 2)
            var master: Int32 = 0
            var slave: Int32 = 0
            #expect(openpty(&master, &slave, nil, nil, nil) == 0)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try JudgingFixtures.prefab)
            process.arguments = ["run", run.config, "--no-report"]
            process.environment = ProcessInfo.processInfo.environment.merging(["TERM": "xterm"]) { $1 }
            process.standardError = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            let terminal = master
            let reader = Task.detached { () -> Data in
                var data = Data()
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = read(terminal, &buffer, buffer.count)
                    if count <= 0 { break }
                    data.append(contentsOf: buffer[0..<count])
                }
                return data
            }
            try process.run()
            await process.exited()
            close(slave)
            let output = String(decoding: await reader.value, as: UTF8.self)
            close(master)
            #expect(process.terminationStatus == 0)
            #expect(output.contains("\u{1B}[1A") || output.contains("\u{1B}[2K"), "no redraw sequences")
            #expect(output.contains("24/24"))
        }
    }

    @Test func failedPromptsExitWithStatusThreeAndBudgetStopsWithFour() async throws {
        try await JudgingFixtures.withSimulator { server in
            let failing = try RunFixtures.makeRun(server, prompts: 2, headers: "{x-sim-fault: \"status=500\"}", maxAttempts: 1)
            let failed = try await JudgingFixtures.run(["run", failing.config, "--no-report", "--quiet"])
            #expect(failed.status == 3)
            #expect(failed.stdout.contains("failed prompts: 2") && failed.stdout.contains("failures.jsonl"))
            let budget = try RunFixtures.makeRun(server, prompts: 6, extra: "budget: {max_requests: 5}")
            let stopped = try await JudgingFixtures.run(["run", budget.config, "--no-report", "--quiet"])
            #expect(stopped.status == 4)
            #expect(stopped.stdout.contains("the budget is spent"))
        }
    }

    @Test func validateNamesTheFileLineAndKeyAndExitsNonZero() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 3)
            let valid = try await JudgingFixtures.run(["validate", run.config])
            #expect(valid.status == 0 && valid.stdout.contains("valid") && valid.stdout.contains("prompts: 3"))
            try RunFixtures.yaml(server).replacingOccurrences(of: "max_tokens: 48}}\n    - {name: b", with: "max_tokens: lots}}\n    - {name: b")
                .write(toFile: run.config, atomically: true, encoding: .utf8)
            let invalid = try await JudgingFixtures.run(["validate", run.config])
            #expect(invalid.status == 1)
            #expect(invalid.stderr.contains("run.yaml:11") && invalid.stderr.contains("max_tokens"), "\(invalid.stderr)")
            #expect(server.stats().totalRequests == 0)
        }
    }

    @Test func theDryRunPrintsCallsTokensAndCostPerEndpoint() async throws {
        try await JudgingFixtures.withSimulator { server in
            let run = try RunFixtures.makeRun(server, prompts: 4)
            let priced = RunFixtures.yaml(server).replacingOccurrences(
                of: "model: sim-judge,", with: "model: sim-judge, price: {input_per_million: 1, output_per_million: 2},")
            try priced.write(toFile: run.config, atomically: true, encoding: .utf8)
            let result = try await JudgingFixtures.run(["run", run.config, "--dry-run"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("4 prompts, 0 already finished"))
            let judge = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("judge") })
            #expect(judge.contains(" 16 ") && judge.contains("≤"))
            let sim = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("sim") })
            #expect(sim.contains(" 12 ") && sim.contains("no price"))
            #expect(server.stats().totalRequests == 0)
            #expect(!FileManager.default.fileExists(atPath: run.directory + "/out"))
        }
    }
}
