import Logging

/// A swift-log handler that prints through a `ProgressReporter`, so the warnings the HTTP and
/// endpoint clients log (retries, failed calls) appear above the live block instead of inside it.
/// Lines read "warning prefab.llm: call failed model=m operation=chat". The default level is
/// `.warning`: retries are logged at `.notice`, and under load they would bury the display while
/// the failure counts already show them.
package struct ProgressLogHandler: LogHandler {
    package var logLevel: Logger.Level
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let reporter: ProgressReporter

    package init(label: String, reporter: ProgressReporter, logLevel: Logger.Level = .warning,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.reporter = reporter
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        var line = "\(event.level) \(label): \(event.message)"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        reporter.log(line)
    }
}
