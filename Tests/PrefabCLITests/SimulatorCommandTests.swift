import Foundation
import PrefabTestSupport
import Testing

/// The `prefab-sim` executable: the line scripts wait for, flags reaching the server, and a
/// clean exit on SIGTERM.
@Suite struct SimulatorCommandTests {
    /// `prefab-sim` as built beside the test bundle.
    private func executable() throws -> URL {
        URL(fileURLWithPath: try BuiltProduct.path("prefab-sim"))
    }

    @Test func printsItsURLServesWithTheFlagsAndStopsOnSIGTERM() async throws {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = [
            "--port", "0", "--seed", "5", "--words", "7", "--models", "one,two",
            "--api-key-env", "PREFAB_SIM_TEST_KEY", "--latency", "fixed:1", "--threads", "1",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["PREFAB_SIM_TEST_KEY"] = "sk-cli-key"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let line = try await output.fileHandleForReading.firstLine()
        let prefix = "prefab-sim listening on "
        #expect(line.hasPrefix(prefix + "http://127.0.0.1:"), "\(line)")
        let baseURL = String(line.dropFirst(prefix.count))

        let models = try await SimulatorHarness.curl(baseURL + "/v1/models", headers: ["authorization": "Bearer sk-cli-key"])
        #expect((try models.json()["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["one", "two"])
        let unauthorised = try await SimulatorHarness.curl(baseURL + "/v1/models")
        #expect(unauthorised.status == 401)
        let chat = try await SimulatorHarness.curl(
            baseURL + "/v1/chat/completions", json: SimulatorHarness.chatBody("hi"), headers: ["x-api-key": "sk-cli-key"]
        )
        #expect(try SimulatorHarness.ChatView(chat).usage["completion_tokens"] == 7)

        process.terminate()
        await process.exited()
        let status = process.terminationStatus
        #expect(status == 0)
    }

    @Test func badFlagsFailWithAMessage() async throws {
        let result = try await runProcess(try executable().path, ["--latency", "sometimes"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("sometimes"))
    }
}
