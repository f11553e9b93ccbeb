import Foundation

/// The diversity section of a run report: the cheap metrics on every text of each field, then
/// the embedding metrics and the cluster agent on a seeded sample, each group measured on its
/// own so that an endpoint that is down, a spent budget or a corpus smaller than K costs only
/// that group's figures. What failed is kept in the field's `DiversityReport.failures` (a row
/// saying "not measured" and why) and in the report's notes; the report is written either way.
struct RunReportDiversity {
    let options: RunDiversityOptions

    /// The report's column label of each field.
    static func label(_ field: DiversityField) -> String {
        switch field {
        case .response: "responses"
        case .prompt: "prompts"
        case .chosen: "chosen"
        }
    }

    struct Outcome {
        var reports: [DiversityReport] = []
        var notes: [String] = []
        /// Ledger usage of the model clients while measuring, per endpoint and model.
        var usage: [UsageRecord] = []
    }

    /// - Parameters:
    ///   - texts: the texts of each field the run has.
    ///   - absent: why a field has no texts, for the note (e.g. "no pairs/ directory").
    func measure(
        _ texts: [DiversityField: [String]], absent: [DiversityField: String]
    ) async throws(RunReportError) -> Outcome {
        var outcome = Outcome()
        let before = options.ledger?.records ?? []
        for field in options.fields {
            let label = Self.label(field)
            let documents = texts[field] ?? []
            guard documents.count >= 2 else {
                if let reason = absent[field] {
                    outcome.notes.append("diversity of the \(label) not measured: \(reason)")
                } else if field == .chosen || !documents.isEmpty {
                    outcome.notes.append("diversity of the \(label) not measured: \(documents.count) text\(documents.count == 1 ? "" : "s"), fewer than two")
                }
                continue
            }
            if let report = try await measure(documents, field: field, label: label, notes: &outcome.notes) {
                outcome.reports.append(report)
            }
        }
        if let ledger = options.ledger {
            outcome.usage = Self.difference(ledger.records, since: before)
        }
        return outcome
    }

    private func measure(
        _ documents: [String], field: DiversityField, label: String, notes: inout [String]
    ) async throws(RunReportError) -> DiversityReport? {
        let base = options.configuration
        let metrics = Set(base.metrics)
        var report = DiversityReport(label: label, documents: documents.count)

        let cheap = DiversityMetric.cheap.filter(metrics.contains)
        if !cheap.isEmpty {
            do {
                report = try await analyzer(metrics: cheap).analyze(documents, label: label)
            } catch {
                try Self.rethrowCancellation(error)
                notes.append("diversity of the \(label) not measured: \(error)")
                return nil
            }
        }

        let sample = self.sample(documents, field: field)
        let groups: [[DiversityMetric]] = [DiversityMetric.embedding.filter(metrics.contains),
                                           metrics.contains(.clusterAgent) ? [.clusterAgent] : []]
        for group in groups where !group.isEmpty {
            do {
                let measured = try await analyzer(metrics: group).analyze(sample, label: label)
                report.vendi = measured.vendi ?? report.vendi
                report.clusters = measured.clusters ?? report.clusters
                report.embeddingModel = measured.embeddingModel ?? report.embeddingModel
                report.clusterAgent = measured.clusterAgent ?? report.clusterAgent
            } catch {
                try Self.rethrowCancellation(error)
                let reason = "\(error)"
                var failures = report.failures ?? [:]
                for metric in group { failures[metric.rawValue] = reason }
                report.failures = failures
                let names = group.map(\.rawValue).joined(separator: " and ")
                notes.append("diversity of the \(label): \(names) not measured: \(reason)")
            }
        }
        return report
    }

    private func analyzer(metrics: [DiversityMetric]) -> DiversityAnalyzer {
        var configuration = options.configuration
        configuration.metrics = metrics
        return DiversityAnalyzer(configuration: configuration)
    }

    /// At most `options.sample` texts, drawn with the configuration's seed (a stream per field,
    /// so adding a field does not change another's sample), in corpus order.
    func sample(_ documents: [String], field: DiversityField) -> [String] {
        guard documents.count > options.sample else { return documents }
        let stream = UInt64(DiversityField.allCases.firstIndex(of: field) ?? 0)
        var random = DiversityRandomSource(seed: options.configuration.seed, stream: 0x5245_504F_5254, stream)
        return random.sample(options.sample, from: documents.count).sorted().map { documents[$0] }
    }

    /// A cancelled report stops; any other failure becomes a note.
    private static func rethrowCancellation(_ error: any Error) throws(RunReportError) {
        if error is CancellationError || Task.isCancelled { throw .cancelled }
    }

    /// What each endpoint and model used between two snapshots of a ledger.
    static func difference(_ after: [UsageRecord], since before: [UsageRecord]) -> [UsageRecord] {
        var earlier: [String: UsageRecord] = [:]
        for record in before { earlier[record.endpoint + "\u{0}" + record.model] = record }
        return after.compactMap { record in
            let old = earlier[record.endpoint + "\u{0}" + record.model] ?? UsageRecord(endpoint: record.endpoint, model: record.model)
            var delta = UsageRecord(endpoint: record.endpoint, model: record.model)
            delta.requests = record.requests - old.requests
            delta.failures = record.failures - old.failures
            delta.retries = record.retries - old.retries
            delta.promptTokens = record.promptTokens - old.promptTokens
            delta.completionTokens = record.completionTokens - old.completionTokens
            delta.cost = record.cost - old.cost
            return delta.requests > 0 || delta.failures > 0 ? delta : nil
        }
    }
}
