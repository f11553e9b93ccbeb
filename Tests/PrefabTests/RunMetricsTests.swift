import Foundation
import PrefabSimulator
import PrefabTestSupport
import Testing

@testable import Prefab

/// `prefab run --metrics`: Prometheus' text format at /metrics, scraped while the run goes.
@Suite("run metrics")
struct RunMetricsTests {
    /// The value of the sample `name{labels}` in an exposition, nil when absent.
    static func value(_ text: String, _ sample: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1).split(separator: " ")[0])
        }
        return nil
    }

    @Test(.timeLimit(.minutes(10)))
    func aRunServesPromptsCallsTokensCostAndLatencyWhileItRuns() async throws {
        let simulator = SimulatorConfiguration(seed: 11, latency: .fixed(milliseconds: 15), threads: 2)
        try await JudgingFixtures.withSimulator(simulator) { server in
            let run = try RunFixtures.makeRun(server, prompts: 12, window: 2)
            let partition = try RunPartition(index: 0, count: 1)
            let metrics = RunMetrics(partition: partition)
            let http = try await RunMetricsServer.start(try RunMetricsAddress(parsing: "127.0.0.1:0"), metrics: metrics)
            defer { Task { await http.stop() } }
            let url = "http://127.0.0.1:\(http.port)/metrics"
            var pipeline = RunPipeline(setup: try RunSetup.load(file: run.config).partitioned(partition))
            pipeline.metrics = metrics
            let running = Task { [pipeline] in try await pipeline.run() }

            // Scraped during the run: some prompts done, not all.
            var during: Double?
            for _ in 0..<2000 {
                let scrape = try await SimulatorHarness.curl(url)
                #expect(scrape.status == 200)
                during = Self.value(scrape.text, "prefab_prompts_done_total{partition=\"0/1\"}")
                if let during, during > 0 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            let summary = try await running.value
            #expect(summary.done == 12)
            #expect((during ?? 0) > 0 && (during ?? 12) < 12, "scraped \(String(describing: during)) prompts done during the run")

            let scrape = try await SimulatorHarness.curl(url)
            #expect(scrape.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = scrape.text
            let label = "partition=\"0/1\""
            #expect(Self.value(text, "prefab_prompts_done_total{\(label)}") == 12)
            #expect(Self.value(text, "prefab_prompts{\(label)}") == 12)
            // 3 answers and 4 aspect calls per prompt, none failed.
            #expect(Self.value(text, "prefab_calls_total{\(label),endpoint=\"sim\",status=\"ok\"}") == 36)
            #expect(Self.value(text, "prefab_calls_total{\(label),endpoint=\"judge\",status=\"ok\"}") == 48)
            #expect(Self.value(text, "prefab_calls_in_flight{\(label),endpoint=\"sim\"}") == 0)
            let tokens = summary.usage.filter { $0.endpoint == "sim" }.reduce(0) { $0 + $1.completionTokens }
            #expect(Self.value(text, "prefab_tokens_total{\(label),endpoint=\"sim\",kind=\"completion\"}") == Double(tokens))
            #expect(Self.value(text, "prefab_call_duration_seconds_count{\(label),endpoint=\"sim\"}") == 36)
            #expect(text.contains("prefab_call_duration_seconds_bucket{\(label),endpoint=\"sim\",le=\"0.025\"}"))
            #expect(text.contains("# TYPE prefab_call_duration_seconds histogram"))
            #expect(Self.value(text, "prefab_cost{\(label),endpoint=\"sim\"}") == 0)
            #expect(try await SimulatorHarness.curl("http://127.0.0.1:\(http.port)/other").status == 404)
        }
    }

    @Test func metricsAddressesAreHostColonPort() throws {
        #expect(try RunMetricsAddress(parsing: "0.0.0.0:9464") == RunMetricsAddress(parsing: ":9464"))
        #expect(try RunMetricsAddress(parsing: "[::1]:80").host == "::1")
        #expect(throws: RunMetricsError.badAddress("9464")) { try RunMetricsAddress(parsing: "9464") }
        #expect(throws: RunMetricsError.self) { try RunMetricsAddress(parsing: "host:99999") }
    }
}
