import Foundation
import Prefab
import Testing

/// A judgement by the real local model (llama.cpp's server with SmolLM2-135M) under a JSON
/// schema. Starts the server when it is installed but not running (and stops it afterwards);
/// skipped, saying why, when it is not installed.
@Suite(.enabled(if: JudgeLocalModel.available, "the local llama.cpp server is not installed (scripts/local install)"), .serialized)
struct JudgeEndToEndTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let endpoint = EndpointConfiguration(
        name: "judge", provider: .local, limits: EndpointLimits(maxConcurrent: 4), timeouts: Timeouts(connect: 5, request: 300),
        retry: RetryPolicy(maxAttempts: 2))

    static let input = SampleRecord(
        promptID: "e2e-judge", source: "e2e", messages: [.user("What is 7 times 8?")], reference: "56",
        completions: [
            SampleCompletion(model: "right", response: "7 times 8 is 56.", sampleIndex: 0, flags: []),
            SampleCompletion(model: "wrong", response: "7 times 8 is 54.", sampleIndex: 1, flags: []),
        ])

    @Test("the local model rates completions under the ultrafeedback rubrics' JSON schema; every vote is read or recorded as failed")
    func ultrafeedback() async throws {
        try await JudgeLocalModel.withServer {
            let ensemble = try JudgeEnsemble.load(file: Self.repository + "/judges/ultrafeedback.yaml", endpoints: EndpointSet([Self.endpoint]))
            let record = try await ensemble.rate(Self.input)
            #expect(record.completions.count == 2)
            let votes = record.completions.flatMap(\.votes)
            #expect(votes.count == 8)  // 4 aspects × 2 completions
            var read = 0
            for vote in votes {
                #expect(!vote.raw.isEmpty)
                switch vote.parse {
                case .ok, .retried:
                    read += 1
                    if let rating = vote.rating { #expect((1...5).contains(rating)) } else { #expect(vote.notApplicable) }
                case .failed:
                    #expect(vote.rating == nil)
                    #expect(vote.detail != nil)
                case .skipped:
                    Issue.record("an LLM vote cannot be skipped")
                }
            }
            // The schema constrains the answer, so the model's JSON is readable (unless cut off).
            #expect(read > 0, "no vote could be read: \(votes.map(\.raw))")
            let figures = try #require(record.agreement?.judges["uf-judge"])
            #expect(figures.calls >= 4)
            #expect(figures.promptTokens > 0)
            for completion in record.completions {
                for annotation in completion.annotations.values where !annotation.rating.isEmpty && annotation.rating != "N/A" {
                    #expect((1...5).contains(try #require(annotation.score)))
                }
            }
        }
    }

    @Test("the local model gives pairwise verdicts in both orders under the verdict schema")
    func pairwise() async throws {
        try await JudgeLocalModel.withServer {
            let ensemble = try JudgeEnsemble.load(file: Self.repository + "/judges/pairwise.yaml", endpoints: EndpointSet([Self.endpoint]))
            let record = try await ensemble.rate(Self.input)
            let figures = try #require(record.agreement?.judges["pair-judge"])
            #expect(figures.calls >= 2)
            let verdicts = record.completions[0].votes.filter { $0.isRead }.compactMap(\.verdict)
            #expect(verdicts.allSatisfy { ["A", "B", "TIE"].contains($0) })
            #expect(!verdicts.isEmpty, "no verdict could be read: \(record.completions[0].votes.map(\.raw))")
            if let rate = record.completions[0].overallScore { #expect((0...1).contains(rate)) }
        }
    }
}

/// The local model server for these tests: used when running, started when only installed.
enum JudgeLocalModel {
    static var available: Bool {
        (try? LocalServerState.load()) != nil || LocalServer().isInstalled
    }

    /// Runs `body` with the server up; stops it afterwards only if this call started it.
    static func withServer(_ body: () async throws -> Void) async throws {
        let server = LocalServer()
        let wasRunning = (try? LocalServerState.load()) != nil
        if !wasRunning { try await server.start(echo: false) }
        do {
            try await body()
        } catch {
            if !wasRunning { try? await server.stop(echo: false) }
            throw error
        }
        if !wasRunning { try await server.stop(echo: false) }
    }
}
