import ArgumentParser
import Foundation
import PrefabLLM

/// Writes response-cache entries forever, printing `committed N` after each flush, so a test can
/// `kill -9` it mid-stream and check that every committed entry survived.
struct CacheWriterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache-writer",
        abstract: "Write response-cache entries until killed (crash-safety test helper).",
        shouldDisplay: false)

    @Option(help: "The cache database.")
    var path: String

    @Option(help: "Entries per flush.")
    var batchSize: Int = 50

    func run() async throws {
        let cache = try ResponseCache(path: path, flushInterval: .milliseconds(5), batchSize: batchSize)
        let payload = Data(String(repeating: "answer text ", count: 40).utf8)
        var index = 0
        while true {
            for _ in 0..<batchSize {
                cache.store("cache-writer-\(index)", ResponseCache.Entry(
                    kind: "chat", model: "m", payload: payload,
                    usage: TokenUsage(promptTokens: 10, completionTokens: 20), latency: 0.1))
                index += 1
            }
            try await cache.flush()
            FileHandle.standardOutput.write(Data("committed \(index)\n".utf8))
        }
    }
}
