import Logging

/// A swift-log handler that prints through a `ProgressReporter`, so the warnings the HTTP and
/// endpoint clients log (retries, failed calls) appear above the live block instead of inside it.
/// Lines read "warning prefab.llm: call failed model=m operation=chat". The default level is
/// `.warning`: retries are logged at `.notice`, and under load they would bury the display while
/// the failure counts already show them.
///
/// Repeated warnings are folded: every warning and notice carries a `foldingKey`, the reporter
/// prints the first of each key in full and only counts the rest (`WarningFolds`), and lists the
/// counts when it finishes. Errors and critical messages are always printed.
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
        reporter.log(line, foldingKey: Self.foldingKey(level: event.level, label: label, message: "\(event.message)", metadata: merged))
    }

    /// Metadata that differs between otherwise identical warnings: which attempt, how long the
    /// wait. Left out of the folding key.
    static let volatileKeys: Set<String> = ["attempt", "attempts", "delay_s", "request_id"]

    /// What makes two warnings the same (see `WarningFolds`): level, label, message and the
    /// metadata left after `volatileKeys`. When an `error_kind` names the failure, the full
    /// `error` text (which names token counts, request ids) is left out too, so twelve context
    /// overflows fold into one line however their messages differ; without one, the error text
    /// stays in the key and different errors stay apart. Nil, never folded, from `.error` up.
    package static func foldingKey(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String? {
        guard level < .error else { return nil }
        var kept = metadata.filter { !volatileKeys.contains($0.key) }
        if kept["error_kind"] != nil { kept["error"] = nil }
        var key = "\(level) \(label): \(message)"
        for (name, value) in kept.sorted(by: { $0.key < $1.key }) { key += " \(name)=\(value)" }
        return key
    }
}
