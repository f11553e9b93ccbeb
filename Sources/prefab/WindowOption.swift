import ArgumentParser

/// `--window N`: how many prompts a stage works on at once, the same word as the run config's
/// `window:` and `prefab sample --window`. `--concurrency`, its old name in `judge` and
/// `eval-judges`, still works and says it is deprecated.
struct WindowOption: ParsableArguments {
    @Option(help: "Prompts in flight at once.")
    var window: Int = 8

    @Option(help: ArgumentHelp("Deprecated: the old name of --window.", visibility: .hidden))
    var concurrency: Int?

    /// The window, after telling the user once if they used the old name.
    var value: Int {
        concurrency ?? window
    }

    mutating func validate() throws {
        if concurrency != nil { printError("prefab: --concurrency is deprecated; use --window (the same meaning)") }
        if value < 1 { throw ValidationError("--window must be at least 1") }
    }
}
