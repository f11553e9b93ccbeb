import ArgumentParser
import Foundation
import Prefab
import PrefabReview

/// `prefab review RUN_DIR`: serves the review page for a run, or exports its labels.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review the judges' least certain labels in the browser; labels go to RUN_DIR/review.sqlite.",
        discussion: """
            Serves a local web page (the first line printed is its URL) with the run's prompts, \
            most uncertain first (judges' spread, order inconsistency, small margins, failed or N/A \
            votes). Keys: 1-9 pick the better answer, 0 tie, x both bad, u undo, j/k next/previous. \
            `prefab pairs` and `prefab run` then use the reviewers' verdicts over the judges' \
            scores; `prefab eval-judges --human RUN_DIR` measures the judges against them. \
            Binding an interface other than loopback needs a token (--token, or a random one \
            printed in the URL); requests without it get 401. The index of the queue is \
            RUN_DIR/review-index.sqlite, rebuilt when the rated shards change.
            """
    )

    @Argument(help: "The run output directory (with rated/).")
    var runDirectory: String

    @Option(help: "The port (0: any free port).")
    var port: Int = 8765

    @Option(help: "The interface to bind; anything but loopback needs a token.")
    var host: String = "127.0.0.1"

    @Option(help: "The access token (default: none on loopback, a random one elsewhere). Prefer PREFAB_REVIEW_TOKEN to keep it out of the process list.")
    var token: String?

    @Option(help: "The reviewer name the page starts with (each person sets their own in the page).")
    var reviewer: String?

    @Option(help: "Write the reviewed preferences as gold pairs (JSON Lines, the datasets/judge-eval format) to FILE and exit.")
    var export: String?

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port: 0 to 65535") }
    }

    func run() async throws {
        do {
            if let export {
                let written = try HumanGoldExport.write(runDirectory: runDirectory, to: export)
                print("\(written.pairs) gold pairs in \(export)" + (written.skipped > 0 ? " (\(written.skipped) reviewed items without a preference or in conflict left out)" : ""))
                return
            }
            let token = token ?? ProcessInfo.processInfo.environment["PREFAB_REVIEW_TOKEN"]
            let name = reviewer ?? ProcessInfo.processInfo.environment["USER"] ?? "reviewer"
            let server = try ReviewServer(runDirectory: runDirectory, access: ReviewAccess(host: host, token: token), reviewer: name)
            let host = host
            try await server.run(host: host, port: port) { port in
                // Written straight to the descriptor, not through stdio's buffer, so a script reading
                // the first line gets it at once.
                FileHandle.standardOutput.write(Data((server.url(host: host, port: port) + "\n").utf8))
                if let seconds = server.index.buildSeconds {
                    printError(String(format: "indexed %d prompts in %.1f s (%@)", server.index.count, seconds, server.index.path))
                }
                printError("serving \(runDirectory) for review; Ctrl-C stops")
            }
        } catch let error as ReviewError {
            printError("prefab review: \(error)")
            throw ExitCode(1)
        } catch let error as HumanVerdictsError {
            printError("prefab review: \(error)")
            throw ExitCode(1)
        }
    }
}
