import Foundation
import PrefabTestSupport
import Testing

/// The examples in `README.md` and `docs/*.md` marked `<!-- example: local-model -->`: run with
/// bash against the real local llama.cpp server, the way `DocsExampleRunner` runs every shell
/// example (docs/testing.md, "Tested documentation"). Skipped, with the reason, when the local
/// model is not installed. `Tests/PrefabTests/DocsExamplesTests.swift` checks the other examples.
@Suite(.localServer, .serialized) struct DocsLocalModelExamplesTests {
    static let repository = LocalServerFixture.repositoryRoot

    static let blocks: [DocsBlock] = ((try? DocsBlock.all(in: repository)) ?? []).filter {
        ["sh", "console", "bash"].contains($0.language) && $0.markers.contains("local-model")
    }

    @Test func thereAreLocalModelExamples() {
        #expect(!Self.blocks.isEmpty, "no <!-- example: local-model --> block in README.md or docs/*.md")
    }

    @Test(arguments: blocks) func localModelExampleRuns(_ block: DocsBlock) async throws {
        // `provider: local` finds the server the fixture resolved through PREFAB_HOME, and the
        // examples share its response cache with the other end-to-end tests.
        let runner = DocsExampleRunner(repository: Self.repository, home: LocalServerFixture.home.path)
        let result = try await runner.run(block, timeout: 900)
        #expect(result.status == 0, "\(block) exited \(result.status):\n\(block.script)\n--- output ---\n\(result.output)")
    }
}
