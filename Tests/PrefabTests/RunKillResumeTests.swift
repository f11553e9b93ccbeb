import Foundation
import Prefab
import PrefabSimulator
import Testing

/// `prefab run` killed with SIGKILL at random moments, then run again until it finishes: the
/// output must hold every prompt exactly once, in input order, byte for byte what an
/// uninterrupted run writes from the same answers, and no answered call may be paid for twice.
@Suite("prefab run killed and resumed")
struct RunKillResumeTests {
    @Test func killedAtRandomManyTimesTheResumedOutputEqualsAnUninterruptedRun() async throws {
        try await JudgingFixtures.withSimulator { server in
            let prompts = 40, window = 4, callsPerPrompt = 7, kills = 6
            let run = try RunFixtures.makeRun(server, prompts: prompts, window: window)
            var generator = SystemRandomNumberGenerator()
            var killed = 0
            for _ in 0..<kills {
                let process = try Self.launch(["run", run.config, "--quiet", "--no-report"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 150...1500, using: &generator)))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    killed += 1
                }
                await process.exited()
            }
            let final = try await JudgingFixtures.run(["run", run.config, "--quiet", "--no-report"])
            #expect(final.status == 0, "\(final.stderr)")
            #expect(final.stdout.contains("\(prompts) of \(prompts) prompts done"))

            // Each distinct call reached the server; only calls in flight at a kill were asked again.
            let stats = server.stats()
            #expect(stats.uniqueBodies == prompts * callsPerPrompt)
            #expect(stats.repeatedBodies <= killed * window * callsPerPrompt, "repeated \(stats.repeatedBodies) after \(killed) kills")

            // The uninterrupted reference: the same config and cache into another directory.
            try RunFixtures.yaml(server, window: window, output: "reference")
                .write(toFile: run.directory + "/reference.yaml", atomically: true, encoding: .utf8)
            let reference = try await JudgingFixtures.run(["run", run.directory + "/reference.yaml", "--quiet", "--no-report"])
            #expect(reference.status == 0)
            #expect(server.stats().totalRequests == stats.totalRequests)
            let resumed = try RunFixtures.stageFiles(run.directory + "/out")
            let uninterrupted = try RunFixtures.stageFiles(run.directory + "/reference")
            #expect(resumed.keys.sorted() == uninterrupted.keys.sorted())
            for (path, bytes) in uninterrupted { #expect(resumed[path] == bytes, "\(path) differs") }
            #expect(try RunFixtures.promptIDs(run.directory + "/out/rated") == (0..<prompts).map { "p\($0)" })
        }
    }

    static func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try JudgingFixtures.prefab)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}
