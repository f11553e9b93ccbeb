import ArgumentParser
import Foundation
import Prefab

/// `prefab validate`: checks a run config (and every prompt record) without running it.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a run config without calling any model: keys, types, files, names, the judge ensemble and every prompt.",
        discussion: "Problems are reported with the file, line and the expected shape; exit status 1 when there are any."
    )

    @Argument(help: "The run config (YAML).")
    var file: String

    @Flag(help: "Print only the output directory, absolute (for scripts: deploy/slurm/submit).")
    var printOutput = false

    func run() async throws {
        do {
            var setup = try RunSetup.load(file: file)
            if printOutput {
                print(setup.outputDirectory)
                return
            }
            try await setup.localizeRemoteInputs()
            let statistics = try SampleStage.validate { () throws(PromptInputError) in try PromptReader(setup.prompts) }
            let pool = setup.configuration.sampling.pool
            print("\(file): valid")
            print("  prompts: \(statistics.prompts) (\(setup.prompts.path)\(statistics.duplicates > 0 ? ", \(statistics.duplicates) duplicates skipped" : ""))")
            print("  pool: \(pool.models.map(\.name).joined(separator: ", ")); judges: \(setup.ensemble.name) (\(setup.ensemble.judges.count) judges)")
            print("  pairing: \(setup.pairing.options.strategy.rawValue) → \(setup.pairing.builder.format.rawValue); output: \(setup.outputLocation ?? setup.outputDirectory)")
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}
