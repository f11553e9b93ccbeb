import ArgumentParser
import Prefab

/// `prefab report`: writes `report.json` and a self-contained `report.html` for a run directory.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write report.json and report.html (self-contained, opens offline) for a run output directory.",
        discussion: """
            DIR holds what the stages wrote: samples/, rated/ (with judge-report.json) and pairs/ \
            (with pairs-summary.json); any may be missing and the report shows what exists: counts, \
            score distributions per aspect and model, judge agreement, position and length bias, \
            pair margins, diversity (cheap metrics), failures by reason, tokens per model and judge.
            """
    )

    @Argument(help: "The run output directory (for example runs/quickstart).")
    var directory: String

    @Flag(help: "Skip the diversity metrics (they read every answer).")
    var noDiversity = false

    func run() async throws {
        do {
            let report = try await RunReport.build(runDirectory: directory, diversity: !noDiversity)
            let paths = try report.write(to: directory)
            let c = report.counts
            var line = "report: \(report.stages.joined(separator: ", "))"
            if let prompts = c.prompts { line += "; \(prompts) prompts, \(c.completions ?? 0) completions" }
            if let rated = c.ratedPrompts { line += "; \(rated) rated" }
            if let pairs = c.pairsBySplit { line += "; pairs " + pairs.sorted { $0.key > $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
            print(line)
            print("report.json: \(paths.json)")
            print("report.html: \(paths.html)")
        } catch {
            printError("prefab report: \(error)")
            throw ExitCode(1)
        }
    }
}
