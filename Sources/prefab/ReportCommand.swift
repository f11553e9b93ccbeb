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
            pair margins, diversity, failures by reason, tokens per model and judge. \
            Diversity is the cheap metrics of the responses and prompts, unless --config names a \
            run config whose diversity: block asks for other fields, embeddings (Vendi, clusters) \
            or the cluster agent, with the models of its endpoints: block.
            """
    )

    @Argument(help: "The run output directory (for example runs/quickstart).")
    var directory: String

    @Option(help: "A run config (YAML): its diversity: and endpoints: blocks choose the diversity metrics and their models; other keys are ignored.")
    var config: String?

    @OptionGroup var cacheOptions: CacheOptions

    @Flag(help: "Skip the diversity metrics (they read every answer).")
    var noDiversity = false

    func run() async throws {
        do {
            var options = noDiversity ? RunDiversityOptions.disabled : RunDiversityOptions.cheap
            var responseCache: ResponseCache?
            if let config, !noDiversity {
                let document = try ConfigDocument(contentsOf: config)
                let (diversity, endpoints) = try RunDiversityConfiguration.read(from: document)
                if diversity.embeddings != nil || diversity.clusterAgent != nil {
                    let cacheKey = [ConfigKey(stringValue: "cache")]
                    let configured = document.node(at: cacheKey) == nil
                        ? nil : document.resolve(path: try document.decode(String.self, at: cacheKey))
                    responseCache = try cacheOptions.open(fallback: configured)
                }
                options = try RunDiversityOptions(diversity, endpoints: EndpointSet(endpoints, cache: responseCache))
            }
            let report: RunReport
            do {
                report = try await RunReport.build(runDirectory: directory, diversity: options)
            } catch {
                try? await responseCache?.close()
                throw error
            }
            try await responseCache?.close()
            let paths = try report.write(to: directory)
            let c = report.counts
            var line = "report: \(report.stages.joined(separator: ", "))"
            if let prompts = c.prompts { line += "; \(prompts) prompts, \(c.completions ?? 0) completions" }
            if let rated = c.ratedPrompts { line += "; \(rated) rated" }
            if let pairs = c.pairsBySplit { line += "; pairs " + pairs.sorted { $0.key > $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
            print(line)
            for note in report.notes where note.hasPrefix("diversity of") { printError("note: \(note)") }
            print("report.json: \(paths.json)")
            print("report.html: \(paths.html)")
        } catch {
            printError("prefab report: \(error)")
            throw ExitCode(1)
        }
    }
}
