import ArgumentParser
import PrefabSimulator

@main
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prefab-sim",
        abstract: "An OpenAI- and Anthropic-compatible simulator for tests and benchmarks."
    )
    func run() async throws {}
}
