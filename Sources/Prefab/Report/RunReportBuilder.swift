import Foundation
import PrefabShards

/// Reads a run directory stage by stage into a `RunReport`. Records stream through one at a
/// time; only the figures (and the texts the diversity metrics need) are kept.
struct RunReportBuilder {
    let directory: String
    /// A run streaming to object storage keeps few shards locally: the others are fetched.
    var streamed: StreamedStageReader?

    private var samplesPath: String { (directory as NSString).appendingPathComponent("samples") }
    private var ratedPath: String { (directory as NSString).appendingPathComponent("rated") }
    private var pairsPath: String { (directory as NSString).appendingPathComponent("pairs") }

    /// Aspects that are not UltraFeedback aspects but are charted after them.
    static let fineGrained = "fine-grained"
    static let overall = "overall"
    /// Most texts per field the diversity metrics read (a seeded sample beyond).
    static let diversityTexts = 10_000
    /// Longest reason kept as a failure-table key.
    static let reasonLength = 120

    func build(endpoints: [RunReportEndpointUsage], diversity: RunDiversityOptions) async throws(RunReportError) -> RunReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notADirectory(directory)
        }
        var report = RunReport(directory: directory, endpoints: endpoints)
        let exists = { (path: String) in FileManager.default.fileExists(atPath: path) }
        guard exists(samplesPath) || exists(ratedPath) || exists(pairsPath) else { throw .nothingToReport(directory) }

        // Texts for the diversity metrics: a seeded sample past `diversityTexts`, so memory does
        // not grow with the run.
        var responses = RunReportTextSample(capacity: Self.diversityTexts, label: "responses")
        var prompts = RunReportTextSample(capacity: Self.diversityTexts, label: "prompts")
        if exists(samplesPath) {
            report.stages.append("samples")
            try await readSamples(into: &report, responses: &responses, prompts: &prompts)
        } else {
            report.notes.append("no samples/ directory: sampling counts and failures not shown")
        }
        report.hygiene = try RunReportHygiene.read(directory: directory)
        let runFailures = (directory as NSString).appendingPathComponent("failures.jsonl")
        if exists(runFailures) { try readRunFailures(runFailures, into: &report) }
        if exists(ratedPath) {
            report.stages.append("rated")
            try await readRated(into: &report, responses: &responses, prompts: &prompts, takeTexts: !exists(samplesPath))
        } else {
            report.notes.append("no rated/ directory: scores, agreement and bias not shown")
        }
        var chosen = RunReportTextSample(capacity: Self.diversityTexts, label: "chosen")
        var absent: [DiversityField: String] = [:]
        if exists(pairsPath) {
            report.stages.append("pairs")
            try await readPairs(into: &report, chosen: &chosen, chosenAbsent: &absent[.chosen], keepChosen: diversity.fields.contains(.chosen))
        } else {
            report.notes.append("no pairs/ directory: pair counts and margins not shown")
            absent[.chosen] = "no pairs/ directory"
        }
        do {
            report.humanReview = try HumanAgreement.measure(runDirectory: directory)
        } catch {
            throw .unreadable(path: ReviewDatabase.path(runDirectory: directory), record: nil, reason: error.description)
        }
        if !diversity.fields.isEmpty {
            let outcome = try await RunReportDiversity(options: diversity).measure(
                [.response: responses.texts, .prompt: prompts.texts, .chosen: chosen.texts], absent: absent)
            for (name, sample) in [("responses", responses), ("prompts", prompts), ("chosen answers", chosen)] where sample.isSampled {
                report.notes.append("diversity of the \(name) measured on a random sample of \(sample.texts.count) of \(sample.seen)")
            }
            report.diversity = outcome.reports
            report.notes += outcome.notes
            Self.add(outcome.usage, priced: diversity.pricedEndpoints, to: &report)
        }
        if endpoints.isEmpty {
            report.notes.append("cost and throughput per endpoint not recorded (the stage commands keep no usage ledger)")
        }
        return report
    }

    // MARK: failures

    /// `prefab run`'s `failures.jsonl`: prompts left out of the shards because a call failed.
    /// Sampling failures are counted by kind (judge failures come from `judge-report.json`).
    private func readRunFailures(_ path: String, into report: inout RunReport) throws(RunReportError) {
        var prompts = 0
        do {
            let cursor = try Shards.open(path).cursor()
            while let line = try cursor.next() {
                prompts += 1
                for failure in line["failures"]?.arrayValue ?? [] where failure["stage"]?.stringValue == "sample" {
                    report.failures.samplingByKind[failure["kind"]?.stringValue ?? "error", default: 0] += 1
                }
            }
        } catch {
            throw .unreadable(path: path, record: prompts + 1, reason: "\(error)")
        }
        if prompts > 0 {
            report.notes.append("\(prompts) prompts failed and are not in the shards (failures.jsonl); `prefab run` again retries them")
        }
    }

    // MARK: samples

    private func readSamples(into report: inout RunReport, responses: inout RunReportTextSample, prompts: inout RunReportTextSample) async throws(RunReportError) {
        var counts = (prompts: 0, completions: 0, failures: 0, empty: 0, truncated: 0)
        var usage: [String: (calls: Int, prompt: Int, completion: Int, latency: Double)] = [:]
        try await forEach(SampleRecord.self, in: samplesPath) { record in
            counts.prompts += 1
            prompts.add(record.instruction)
            for completion in record.completions {
                counts.completions += 1
                if completion.isEmpty { counts.empty += 1 }
                if completion.isTruncated { counts.truncated += 1 }
                responses.add(completion.response)
                var row = usage[completion.model, default: (0, 0, 0, 0)]
                row.calls += 1
                row.prompt += completion.usage.promptTokens
                row.completion += completion.usage.completionTokens
                row.latency += completion.latency
                usage[completion.model] = row
            }
            for failure in record.failures {
                counts.failures += 1
                report.failures.samplingByKind[failure.kind.rawValue, default: 0] += 1
            }
        }
        report.counts.prompts = counts.prompts
        report.counts.completions = counts.completions
        report.counts.sampleFailures = counts.failures
        report.counts.emptyCompletions = counts.empty
        report.counts.truncatedCompletions = counts.truncated
        for (model, row) in usage.sorted(by: { $0.key < $1.key }) {
            report.tokens.append(RunReportTokenRow(
                stage: "sampling", name: model, calls: row.calls, promptTokens: row.prompt, completionTokens: row.completion,
                latencySeconds: row.latency))
        }
    }

    // MARK: rated

    private func readRated(
        into report: inout RunReport, responses: inout RunReportTextSample, prompts: inout RunReportTextSample, takeTexts: Bool
    ) async throws(RunReportError) {
        var values: [String: [String: [Double: Int]]] = [:]  // aspect → model → score → completions
        var scored: [String: Int] = [:]  // aspect → completions with a score
        var aspects = Set<String>()
        var ratedPrompts = 0
        var ratedCompletions = 0
        func add(_ score: Double?, aspect: String, model: String) {
            guard let score else { return }
            values[aspect, default: [:]][model, default: [:]][score, default: 0] += 1
            scored[aspect, default: 0] += 1
        }
        // One pass, keeping only the scores (not the records), so memory grows by a few numbers
        // per completion.
        try await forEach(RatedRecord.self, in: ratedPath) { record in
            ratedPrompts += 1
            if report.ensemble == nil { report.ensemble = record.ensemble }
            if takeTexts { prompts.add(record.instruction) }
            for completion in record.completions {
                ratedCompletions += 1
                if takeTexts { responses.add(completion.response) }
                aspects.formUnion(completion.annotations.keys)
                for (aspect, annotation) in completion.annotations { add(annotation.score, aspect: aspect, model: completion.model) }
                add(completion.fineGrainedScore, aspect: Self.fineGrained, model: completion.model)
                add(completion.overallScore, aspect: Self.overall, model: completion.model)
                for vote in completion.votes where vote.parse == .failed {
                    report.failures.judgeParseFailuresByJudge[vote.judge, default: 0] += 1
                    let reason = Self.shorten(vote.detail ?? "unreadable answer")
                    report.failures.judgeParseFailuresByReason[reason, default: 0] += 1
                }
            }
        }
        // Every completion counts toward every aspect seen anywhere, so an aspect a judge never
        // rated for some completion shows up as missing rather than vanishing.
        let anyOverall = scored[Self.overall] != nil
        let ordered = aspects.sorted() + [Self.fineGrained] + (anyOverall ? [Self.overall] : [])
        var missing: [String: Int] = [:]
        for aspect in ordered { missing[aspect] = ratedCompletions - (scored[aspect] ?? 0) }
        report.counts.ratedPrompts = ratedPrompts
        report.counts.ratedCompletions = ratedCompletions
        report.scores = ordered.map { aspect in
            Self.distribution(aspect: aspect, byModel: values[aspect] ?? [:], missing: missing[aspect] ?? 0)
        }

        let judgeReport = (ratedPath as NSString).appendingPathComponent(JudgeStage.reportName)
        if FileManager.default.fileExists(atPath: judgeReport) {
            let summary: JudgeStageSummary
            do {
                summary = try JSONDecoder().decode(JudgeStageSummary.self, from: Data(contentsOf: URL(fileURLWithPath: judgeReport)))
            } catch {
                throw .unreadable(path: judgeReport, record: nil, reason: "\(error)")
            }
            report.agreement = summary.agreement
            report.ensemble = report.ensemble ?? summary.ensemble
            report.counts.judgeFailures = summary.failures.count
            for failure in summary.failures {
                report.failures.judgePromptsByReason[Self.shorten(failure.reason), default: 0] += 1
            }
            for (judge, figures) in summary.agreement.judges.sorted(by: { $0.key < $1.key }) {
                report.tokens.append(RunReportTokenRow(
                    stage: "judging", name: judge, calls: figures.calls, cachedCalls: figures.cachedCalls > 0 ? figures.cachedCalls : nil,
                    promptTokens: figures.promptTokens, completionTokens: figures.completionTokens))
            }
        } else {
            report.notes.append("no rated/\(JudgeStage.reportName): judge agreement, bias and judge tokens not shown")
        }
    }

    static func distribution(aspect: String, byModel: [String: [Double: Int]], missing: Int) -> RunReportScoreDistribution {
        var all: [Double: Int] = [:]
        for tally in byModel.values { all.merge(tally, uniquingKeysWith: +) }
        let low = min(1, Int((all.keys.min() ?? 1).rounded()))
        let high = max(5, Int((all.keys.max() ?? 5).rounded()))
        let edges = RunReportHistogram.integerEdges(from: low, to: high)
        func histogram(_ tally: [Double: Int]) -> RunReportHistogram {
            RunReportHistogram(tally: tally.map { ($0.key, $0.value) }, edges: edges)
        }
        return RunReportScoreDistribution(
            aspect: aspect, histogram: histogram(all), byModel: byModel.mapValues(histogram),
            mean: mean(all), meanByModel: byModel.compactMapValues(mean), missing: missing)
    }

    static func mean(_ tally: [Double: Int]) -> Double? {
        let count = tally.values.reduce(0, +)
        // Summed in value order, so the mean does not depend on dictionary order.
        return count == 0 ? nil : tally.sorted { $0.key < $1.key }.reduce(0) { $0 + $1.key * Double($1.value) } / Double(count)
    }

    // MARK: pairs

    /// - Parameters:
    ///   - chosen: receives every row's chosen answer when `keepChosen` (for the diversity of
    ///     the chosen answers).
    ///   - chosenAbsent: why there are none, when a row has no chosen answer.
    private func readPairs(
        into report: inout RunReport, chosen: inout RunReportTextSample, chosenAbsent: inout String?, keepChosen: Bool
    ) async throws(RunReportError) {
        let summaryPath = (pairsPath as NSString).appendingPathComponent(PairStage.summaryName)
        var summary: PairingSummary?
        if FileManager.default.fileExists(atPath: summaryPath) {
            do {
                summary = try JSONDecoder().decode(PairingSummary.self, from: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
            } catch {
                throw .unreadable(path: summaryPath, record: nil, reason: "\(error)")
            }
        } else {
            report.notes.append("no pairs/\(PairStage.summaryName): dropped prompts by reason not shown")
        }
        var margins: [Double] = []
        var rows = 0
        var rowsBySplit: [String: Int] = [:]
        var examples: [RunReportExample] = []
        for split in ["train", "test"] {
            let path = (pairsPath as NSString).appendingPathComponent(split)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            var index = 0
            do {
                try await forEachDataset(path) { dataset in
                let cursor = try dataset.cursor()
                while let row = try cursor.next() {
                    index += 1
                    rows += 1
                    rowsBySplit[split, default: 0] += 1
                    if examples.count < Self.exampleCount, let example = Self.example(row) { examples.append(example) }
                    if keepChosen, chosenAbsent == nil {
                        do {
                            for text in try DiversityCorpusReader.texts(in: row, field: .chosen, path: path, position: "row \(index)") {
                                chosen.add(text)
                            }
                        } catch {
                            // KTO rows have a completion and a label, no chosen answer.
                            chosenAbsent = "\(error)"
                            chosen = RunReportTextSample(capacity: Self.diversityTexts, label: "chosen")
                        }
                    }
                    if let margin = row["margin"]?.doubleValue {
                        margins.append(margin)
                    } else if let chosen = row["score_chosen"]?.doubleValue, let rejected = row["score_rejected"]?.doubleValue {
                        margins.append(chosen - rejected)
                    }
                }
                }
            } catch {
                throw .unreadable(path: path, record: index + 1, reason: "\(error)")
            }
        }
        report.counts.pairsBySplit = summary?.rows ?? rowsBySplit
        report.counts.droppedByReason = summary?.dropped
        report.counts.promptsWithPairs = summary?.promptsWithRows
        var histogram: RunReportHistogram?
        if !margins.isEmpty {
            let top = max(4, (margins.max() ?? 0).rounded(.up))
            let bottom = min(0, (margins.min() ?? 0).rounded(.down))
            let edges = stride(from: bottom, through: top, by: 0.5).map { $0 }
            histogram = RunReportHistogram(values: margins, edges: edges)
        } else if rows > 0 {
            report.notes.append("the pair rows carry no margin or scores (format \(summary?.format ?? "unknown")): no margin histogram")
        }
        report.pairs = RunReportPairs(summary: summary, margins: histogram, meanMargin: Self.mean(margins), rows: rows, examples: examples)
    }

    static let exampleCount = 3

    /// Adds the diversity metrics' model calls: a token row per endpoint and model (stage
    /// `diversity`), and their requests, tokens and cost to the caller's endpoint rows when it
    /// passed any (a report without a ledger does not pretend to know a run's cost).
    static func add(_ usage: [UsageRecord], priced: Set<String>, to report: inout RunReport) {
        for record in usage {
            report.tokens.append(RunReportTokenRow(
                stage: "diversity", name: "\(record.endpoint) (\(record.model))", calls: record.requests,
                promptTokens: record.promptTokens, completionTokens: record.completionTokens))
            guard !report.endpoints.isEmpty else { continue }
            if let index = report.endpoints.firstIndex(where: { $0.endpoint == record.endpoint && $0.model == record.model }) {
                var row = report.endpoints[index]
                row.requests += record.requests
                row.failures += record.failures
                row.retries += record.retries
                row.promptTokens += record.promptTokens
                row.completionTokens += record.completionTokens
                if let cost = row.cost { row.cost = cost + record.cost }
                report.endpoints[index] = row
            } else {
                report.endpoints.append(RunReportEndpointUsage(record, priced: priced.contains(record.endpoint), seconds: nil))
            }
        }
    }

    /// A pair row's prompt, chosen and rejected text: strings as they are, message lists by
    /// their last message's content.
    static func example(_ row: JSONObject) -> RunReportExample? {
        func text(_ value: JSONValue?) -> String? {
            guard let value else { return nil }
            if let string = value.stringValue { return string }
            if let messages = value.arrayValue, let last = messages.last { return last["content"]?.stringValue }
            return nil
        }
        guard let chosen = text(row["chosen"]), let rejected = text(row["rejected"]) else { return nil }
        return RunReportExample(
            prompt: text(row["prompt"]) ?? "", chosen: chosen, rejected: rejected, chosenModel: row["chosen_model"]?.stringValue,
            rejectedModel: row["rejected_model"]?.stringValue,
            margin: row["margin"]?.doubleValue)
    }

    // MARK: helpers

    private func forEach<T: Decodable>(
        _ type: T.Type, in path: String, _ body: (T) throws(RunReportError) -> Void
    ) async throws(RunReportError) {
        guard let streamed else {
            try StageRecords.forEach(type, in: path, unreadable: { RunReportError.unreadable(path: $0, record: $1, reason: $2) }) {
                (_, value: T) throws(RunReportError) in try body(value)
            }
            return
        }
        do {
            try await streamed.forEachShard(of: path) { file in
                try StageRecords.forEach(type, in: file, unreadable: { RunReportError.unreadable(path: $0, record: $1, reason: $2) }) {
                    (_, value: T) throws(RunReportError) in try body(value)
                }
            }
        } catch let error as RunReportError {
            throw error
        } catch {
            throw .unreadable(path: path, record: nil, reason: "\(error)")
        }
    }

    /// The dataset at `path` as one, or (streamed) shard by shard.
    private func forEachDataset(_ path: String, _ body: (ShardDataset) throws -> Void) async throws {
        guard let streamed else {
            try body(try Shards.open(path))
            return
        }
        try await streamed.forEachShard(of: path) { file in try body(try Shards.open(file)) }
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    static func shorten(_ reason: String) -> String {
        let line = reason.split(whereSeparator: \.isNewline).first.map(String.init) ?? reason
        return line.count > reasonLength ? String(line.prefix(reasonLength)) + "…" : line
    }
}
