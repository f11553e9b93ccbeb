import Foundation
@testable import PrefabSimulator
import Testing

@Suite struct SimulatorConfigurationTests {
    @Test func latencyArgumentsParse() throws {
        #expect(try SimulatorConfiguration.Latency(parsing: "none") == .none)
        #expect(try SimulatorConfiguration.Latency(parsing: "fixed:250") == .fixed(milliseconds: 250))
        #expect(try SimulatorConfiguration.Latency(parsing: "uniform:10:20") == .uniform(minMilliseconds: 10, maxMilliseconds: 20))
        #expect(try SimulatorConfiguration.Latency(parsing: "lognormal:1000:0.3") == .logNormal(medianMilliseconds: 1000, sigma: 0.3))
        for bad in ["fixed", "fixed:-1", "uniform:20:10", "gaussian:1:2", "fixed:abc"] {
            #expect(throws: SimulatorConfigurationError.self, "\(bad)") { try SimulatorConfiguration.Latency(parsing: bad) }
        }
    }

    @Test func errorRatesParseAndBadOnesNameTheItem() throws {
        #expect(try SimulatorConfiguration.parseErrorRates("500=0.1,503=0.05, 429=0.1") == [500: 0.1, 503: 0.05, 429: 0.1])
        #expect(try SimulatorConfiguration.parseErrorRates("") == [:])
        do {
            _ = try SimulatorConfiguration.parseErrorRates("500=0.1,200=0.5")
            Issue.record("a 200 error rate was accepted")
        } catch {
            #expect(error.description.contains("200=0.5"))
        }
        #expect(throws: SimulatorConfigurationError.self) { try SimulatorConfiguration.parseErrorRates("500=1.5") }
    }

    @Test func validationRefusesImpossibleSettings() {
        #expect(throws: SimulatorConfigurationError.self) { try SimulatorConfiguration(hangRate: 0.6, resetRate: 0.6).validate() }
        #expect(throws: SimulatorConfigurationError.self) { try SimulatorConfiguration(responseWords: 0).validate() }
        #expect(throws: SimulatorConfigurationError.self) { try SimulatorConfiguration(models: []).validate() }
        #expect(throws: SimulatorConfigurationError.self) { try SimulatorConfiguration(apiKey: "").validate() }
        #expect(throws: Never.self) { try SimulatorConfiguration(errorRates: [500: 0.5], hangRate: 0.5).validate() }
    }

    @Test func faultHeaderParses() throws {
        #expect(try FaultPlan(header: "status=429;retry-after=2") == FaultPlan(action: .status(429), retryAfter: .seconds(2)))
        #expect(try FaultPlan(header: "status=503; retry-after-date") == FaultPlan(action: .status(503), retryAfter: .date(secondsAhead: 2)))
        #expect(try FaultPlan(header: "hang") == FaultPlan(action: .hang))
        #expect(try FaultPlan(header: "truncate;latency=50") == FaultPlan(action: .truncate, latencyMilliseconds: 50))
        #expect(try FaultPlan(header: "latency=500") == FaultPlan(latencyMilliseconds: 500))
        #expect(try FaultPlan.failTimes(header: " 3 ") == 3)
        #expect(throws: FaultPlan.HeaderError.self) { try FaultPlan.failTimes(header: "-1") }
    }

    @Test func httpDatesAreIMFFixdates() {
        #expect(HTTPDate.format(secondsSince1970: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(secondsSince1970: 951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
    }

    @Test func tokenCountsAreWhitespaceSeparatedWords() {
        #expect(SimulatedTokenizer.count("  Hello,  world.\nNew line ") == 4)
        #expect(SimulatedTokenizer.count("") == 0)
        let cut = SimulatedTokenizer.prefix("one two three four", tokens: 2)
        #expect(cut.text == "one two")
        #expect(cut.truncated)
        #expect(SimulatedTokenizer.tokens("a bb  ccc") == ["a", " bb", "  ccc"])
    }

    @Test func startTwiceIsRefusedAndStopIsIdempotent() async throws {
        let server = SimulatorServer(configuration: SimulatorConfiguration(threads: 1))
        let port = try await server.start()
        #expect(port > 0)
        #expect(server.baseURL == "http://127.0.0.1:\(port)")
        await #expect(throws: SimulatorServerError.self) { try await server.start() }
        try await server.stop()
        try await server.stop()
        #expect(server.port == nil)
    }
}
