import Foundation
import PrefabShards

/// The card's Markdown body: one section per thing a user of the data asks about, each saying
/// "not recorded" (and why) rather than vanishing when the writer does not know it, so a
/// missing figure never reads as a zero.
extension DatasetCard {
    func body() -> String {
        var out: [String] = []
        out.append("# \(title)")
        out.append("")
        let total = splits.reduce(0) { $0 + $1.rows }
        let bySplit = splits.map { "\($0.name): \($0.rows)" }.joined(separator: ", ")
        out.append("Preference data made with Prefab \(PrefabVersion.string): \(total) rows in the `\(format.rawValue)` format\(bySplit.isEmpty ? "" : " (\(bySplit))"), paired with the `\(pairing.strategy)` strategy. "
            + (run != nil
                ? "Pool models answered each prompt, an ensemble of judges rated the answers, and the ratings became rows; this card was written by `prefab run` from the run's config, summary and report."
                : "The rows were made by `prefab pairs` from the rated records in `\(ratedSource ?? "?")`; that command does not know the run that rated them, so the sampling and judging sections below say so."))
        out.append("")
        out += loading()
        out += columns()
        out += prompts()
        out += hygieneSection()
        out += pool()
        out += principlesSection()
        out += judges()
        out += pairingSection()
        out += scores()
        out += agreement()
        out += diversity()
        out += cost()
        out += provenance()
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: sections

    private func loading() -> [String] {
        var out = ["## Loading", ""]
        out.append("The front matter's `configs:` names the splits, so no argument is needed:")
        out.append("")
        out.append("```python")
        out.append("from datasets import load_dataset")
        out.append("")
        out.append("dataset = load_dataset(\"path/to/this/directory\")  # \(splits.map { "dataset[\"\($0.name)\"]" }.joined(separator: ", "))")
        out.append("```")
        out.append("")
        out.append("Each split is also written as MosaicML MDS shards (`SPLIT/mds/`), for `streaming.StreamingDataset(local=\"path/to/this/directory/train/mds\")`; the `data_files` patterns do not match them. `pairs-summary.json` holds the pairing counts.")
        out.append("")
        return out
    }

    private func columns() -> [String] {
        var out = ["## Columns", ""]
        out.append("| column | type | meaning |")
        out.append("|---|---|---|")
        for (name, feature) in format.features {
            out.append("| `\(name)` | \(feature.label) | \(Self.cell(Self.meaning(of: name, feature: feature, format: format))) |")
        }
        out.append("")
        if format != .h4 {
            out.append("The rows keep exactly the keys their trainer documents; a row's prompt is traced to the run's records by `prompt_id` in the `samples/` and `rated/` records and in the `h4` format.")
            out.append("")
        }
        return out
    }

    static func meaning(of column: String, feature: DatasetCardFeature, format: PairFormat) -> String {
        switch column {
        case "prompt": feature == .string ? "the prompt's last user turn" : "the prompt's messages (system and earlier turns included)"
        case "prompt_id": "the prompt's id: the same in the run's samples and rated records, its journal and failures.jsonl"
        case "chosen": format == .trl ? "the preferred answer, as one assistant message" : feature == .string ? "the preferred answer" : "the prompt's messages and the preferred answer"
        case "rejected": format == .trl ? "the other answer, as one assistant message" : feature == .string ? "the other answer" : "the prompt's messages and the other answer"
        case "messages": format == .sft ? "the prompt's messages and the best answer" : "the same as `chosen` (for SFT on the chosen answers)"
        case "score_chosen": "the chosen answer's score"
        case "score_rejected": "the rejected answer's score"
        case "margin": "score of the chosen minus score of the rejected answer"
        case "chosen_model": "the pool model that wrote the chosen answer"
        case "rejected_model": "the pool model that wrote the rejected answer"
        case "completion": feature == .string ? "one answer" : "one answer, as one assistant message"
        case "label": "whether the answer is desirable"
        default: ""
        }
    }

    private func prompts() -> [String] {
        var out = ["## Prompts", ""]
        guard let run else {
            out.append("Not recorded: `prefab pairs` read rated records, not prompts. The run that rated them has its own card.")
            out.append("")
            return out
        }
        let summary = run.summary
        let source = run.configuration.sampling.prompts
        out.append("- source: `\(source?.path ?? "?")`\(summary.provenance.map { " (SHA-256 `\($0.prompts.sha256)`)" } ?? "")")
        if let limit = source?.limit { out.append("- limit: the first \(limit) prompts") }
        out.append("- valid, distinct prompts: \(summary.prompts)")
        out.append("- rated and paired: \(summary.done)")
        if summary.failed > 0 {
            out.append("- failed (left out, listed in the run's failures.jsonl): \(summary.failed)"
                + (summary.failuresByKind.isEmpty ? "" : " — " + Self.counts(summary.failuresByKind)))
        }
        if summary.notFinished > 0 {
            out.append("- not finished (the run stopped\(summary.stopReason.map { ": \($0.name)" } ?? ""); running it again adds them): \(summary.notFinished)")
        }
        out.append("- answers rated: \(summary.completions)")
        out.append("")
        return out
    }

    private func hygieneSection() -> [String] {
        var out = ["## Prompt hygiene", ""]
        guard let hygiene else {
            out.append("Not applied: the prompts were used as given (no deduplication or decontamination).")
            out.append("")
            return out
        }
        let removed = hygiene.removed.values.reduce(0, +)
        out.append("- kept: \(hygiene.kept)")
        out.append("- removed: \(removed)")
        if !hygiene.removed.isEmpty {
            out.append("")
            out.append("| reason | prompts removed |")
            out.append("|---|---|")
            for (reason, count) in hygiene.removed.sorted(by: { $0.key < $1.key }) {
                out.append("| \(Self.cell(reason)) | \(count) |")
            }
        }
        out.append("")
        return out
    }

    private func pool() -> [String] {
        var out = ["## Pool models", ""]
        guard let run else {
            out.append("Not recorded by `prefab pairs`; `chosen_model` and `rejected_model` (where the format has them) name the models.")
            out.append("")
            return out
        }
        let pool = run.configuration.sampling.pool
        out.append("| name | endpoint | model id | parameters | weight |")
        out.append("|---|---|---|---|---|")
        for model in pool.models {
            out.append("| \(Self.cell(model.name)) | \(Self.cell(model.endpoint)) | \(Self.cell(run.modelID(endpoint: model.endpoint, override: model.model))) | \(Self.cell(Self.json(model.parameters))) | \(Self.number(model.weight)) |")
        }
        out.append("")
        out.append("- selection per prompt: \(Self.json(pool.select)) of \(pool.models.count), \(pool.samplesPerModel) answer\(pool.samplesPerModel == 1 ? "" : "s") each")
        if let onPolicy = pool.onPolicy { out.append("- on-policy: one answer from `\(onPolicy.policy)`, the rest from the pool") }
        if let best = pool.bestOfN { out.append("- best-of-n: \(best.n) answers of `\(best.model)`") }
        let defaults = run.configuration.sampling.endpoints.filter { $0.parameters != GenerationParameters() }
        for endpoint in defaults {
            out.append("- endpoint `\(endpoint.name)` defaults (for parameters a model leaves unset): \(Self.json(endpoint.parameters))")
        }
        out.append("- seed: \(run.configuration.sampling.seed)")
        out.append("")
        return out
    }

    private func principlesSection() -> [String] {
        var out = ["## Principles", ""]
        guard let run else {
            out.append("Not recorded by `prefab pairs`.")
            out.append("")
            return out
        }
        out.append("System-prompt principles loaded: \(run.principles.isEmpty ? "none" : run.principles.map { "`\($0)`" }.joined(separator: ", ")).")
        let mix = run.configuration.sampling.principles.mix
        if mix.isEmpty {
            out.append("Every prompt draws one of them, each equally often.")
        } else {
            out.append("")
            out.append("| prompt source | mix |")
            out.append("|---|---|")
            for (source, weights) in mix.sorted(by: { $0.key < $1.key }) {
                out.append("| \(Self.cell(source)) | \(Self.cell(Self.json(weights))) |")
            }
        }
        out.append("")
        return out
    }

    private func judges() -> [String] {
        var out = ["## Judges", ""]
        guard let run else {
            out.append("Not recorded by `prefab pairs`\(report?.ensemble.map { "; the rated records name the ensemble `\($0)`" } ?? "").")
            out.append("")
            return out
        }
        let ensemble = run.ensemble
        out.append("Ensemble `\(ensemble.name)`\(ensemble.description.isEmpty ? "" : ": \(ensemble.description.trimmingCharacters(in: .whitespacesAndNewlines))")")
        out.append("")
        out.append("| judge | kind | endpoint | model id | rubrics | mode | weight |")
        out.append("|---|---|---|---|---|---|---|")
        for judge in ensemble.judges {
            var model = "", rubrics = "", mode = ""
            switch judge.kind {
            case .llm(let llm):
                model = run.modelID(endpoint: llm.endpoint, override: llm.model)
                rubrics = llm.rubrics.joined(separator: ", ")
                mode = llm.mode.rawValue
            case .rewardModel(let reward):
                model = run.modelID(endpoint: reward.endpoint, override: reward.model)
                rubrics = "aspect \(reward.aspect)"
            default:
                rubrics = judge.scorerAspect.map { "aspect \($0)" } ?? ""
            }
            out.append("| \(Self.cell(judge.name)) | \(judge.kind.name) | \(Self.cell(judge.endpoint ?? "—")) | \(Self.cell(model.isEmpty ? "—" : model)) | \(Self.cell(rubrics)) | \(mode.isEmpty ? "—" : mode) | \(Self.number(judge.weight)) |")
        }
        out.append("")
        out.append("- aggregation: \(Self.json(ensemble.aggregation))")
        if let files = run.summary.provenance?.judgeFiles, !files.isEmpty {
            out.append("- files the ensemble read (ensemble, rubrics, templates), by SHA-256: see Provenance")
        }
        out.append("")
        return out
    }

    private func pairingSection() -> [String] {
        var out = ["## Pairing", ""]
        out.append("- strategy: `\(pairing.strategy)`; score: `\(pairing.score)`; min margin: \(Self.number(pairing.minMargin)) (a pair needs chosen − rejected above it)")
        out.append("- test ratio: \(Self.number(pairing.testRatio)) (a prompt's side is a hash of its id, so it is the same in every format and run); seed: \(pairing.seed)")
        out.append("- rated prompts read: \(pairing.prompts); prompts with rows: \(pairing.promptsWithRows)")
        out.append("- rows: " + (pairing.rows.isEmpty ? "none" : Self.counts(pairing.rows)))
        if !pairing.dropped.isEmpty { out.append("- prompts without rows, by reason: " + Self.counts(pairing.dropped)) }
        if pairing.unlabelled > 0 { out.append("- answers between the KTO thresholds, left out: \(pairing.unlabelled)") }
        if let pairs = report?.pairs, let mean = pairs.meanMargin { out.append("- mean margin: \(Self.number(mean))") }
        out.append("")
        return out
    }

    private func scores() -> [String] {
        var out = ["## Score distributions", ""]
        guard let report, !report.scores.isEmpty else {
            out.append(notMeasured("scores"))
            out.append("")
            return out
        }
        let models = Set(report.scores.flatMap { $0.meanByModel.keys }).sorted()
        out.append("Mean score per aspect, over every rated answer and per pool model (`missing`: answers without a score for the aspect).")
        out.append("")
        out.append("| aspect | mean | missing | " + models.map(Self.cell).joined(separator: " | ") + " |")
        out.append("|---|---|---|" + String(repeating: "---|", count: models.count))
        for distribution in report.scores {
            let perModel = models.map { Self.number(distribution.meanByModel[$0]) }
            out.append("| \(Self.cell(distribution.aspect)) | \(Self.number(distribution.mean)) | \(distribution.missing) | " + perModel.joined(separator: " | ") + " |")
        }
        out.append("")
        out.append("The run's `report.html` charts each distribution.")
        out.append("")
        return out
    }

    private func agreement() -> [String] {
        var out = ["## Judge agreement and bias", ""]
        guard let figures = report?.agreement else {
            out.append(notMeasured("judge agreement and bias"))
            out.append("")
            return out
        }
        if figures.alphaUnits == 0 {
            out.append("- Krippendorff's alpha: not measured (no answer × aspect was rated by two or more judges)")
        } else {
            out.append("- Krippendorff's alpha (ordinal): \(Self.number(figures.krippendorffAlpha)) over \(figures.alphaUnits) answer × aspect units rated by two or more judges")
        }
        if !figures.pairs.isEmpty {
            out.append("")
            out.append("| judges | items | Cohen's kappa | Spearman |")
            out.append("|---|---|---|---|")
            for pair in figures.pairs {
                out.append("| \(Self.cell(pair.first)) × \(Self.cell(pair.second)) | \(pair.items) | \(Self.number(pair.kappa)) | \(Self.number(pair.spearman)) |")
            }
        }
        if !figures.judges.isEmpty {
            out.append("")
            out.append("Per judge: `rated_higher_by_position` is, for each position an answer was shown at, the share of its decisive comparisons the answer there won (about 0.5 everywhere without position bias).")
            out.append("")
            out.append("| judge | votes | parse failures | prefers first | order consistency | rated_higher_by_position | prefers longer |")
            out.append("|---|---|---|---|---|---|---|")
            for (name, judge) in figures.judges.sorted(by: { $0.key < $1.key }) {
                let positions = judge.ratedHigherByPosition.isEmpty ? "—" : "[" + judge.ratedHigherByPosition.map { Self.number($0) }.joined(separator: ", ") + "]"
                out.append("| \(Self.cell(name)) | \(judge.votes) | \(Self.number(judge.parseFailureRate)) | \(Self.number(judge.prefersFirst)) | \(Self.number(judge.positionConsistency)) | \(positions) | \(Self.number(judge.prefersLonger)) |")
            }
        }
        out.append("")
        return out
    }

    private func diversity() -> [String] {
        var out = ["## Diversity", ""]
        guard let report, !report.diversity.isEmpty else {
            out.append(notMeasured("diversity"))
            out.append("")
            return out
        }
        out.append("| texts | figure | value | what it is |")
        out.append("|---|---|---|---|")
        for field in report.diversity {
            for figure in field.figures {
                out.append("| \(Self.cell(field.label)) (\(field.documents)) | \(figure.key) | \(Self.cell(figure.formatted)) | \(Self.cell(figure.detail)) (\(figure.higherIsMoreDiverse ? "higher" : "lower") is more diverse) |")
            }
        }
        out.append("")
        return out
    }

    private func cost() -> [String] {
        var out = ["## Cost", ""]
        guard let run else {
            out.append("Not recorded by `prefab pairs`.")
            out.append("")
            return out
        }
        let rows: [RunReportEndpointUsage]
        if let endpoints = report?.endpoints, !endpoints.isEmpty {
            rows = endpoints
        } else {
            let priced = Set(run.configuration.sampling.endpoints.filter { $0.price != nil }.map(\.name))
            rows = run.summary.runUsage.map { RunReportEndpointUsage($0, priced: priced.contains($0.endpoint), seconds: nil) }
        }
        guard !rows.isEmpty else {
            out.append("No calls were recorded (every answer came from the journal).")
            out.append("")
            return out
        }
        out.append("Over every session of the run (answers from the response cache are free).")
        out.append("")
        out.append("| endpoint | model | requests | prompt tokens | completion tokens | cost |")
        out.append("|---|---|---|---|---|---|")
        for row in rows {
            out.append("| \(Self.cell(row.endpoint)) | \(Self.cell(row.model)) | \(row.requests) | \(row.promptTokens) | \(row.completionTokens) | \(row.cost.map { Self.number($0) } ?? "not priced") |")
        }
        let known = rows.compactMap(\.cost)
        if !known.isEmpty { out.append("| total | | \(rows.reduce(0) { $0 + $1.requests }) | \(rows.reduce(0) { $0 + $1.promptTokens }) | \(rows.reduce(0) { $0 + $1.completionTokens }) | \(Self.number(known.reduce(0, +))) |") }
        out.append("")
        return out
    }

    private func provenance() -> [String] {
        var out = ["## Provenance", ""]
        out.append("- Prefab version: \(PrefabVersion.string)")
        guard let run else {
            out.append("- made by `prefab pairs` from `\(ratedSource ?? "?")`")
            out.append("")
            return out
        }
        if let provenance = run.summary.provenance {
            out.append("- run identity: `\(provenance.identity)`")
            out.append("")
            out.append("| input | SHA-256 |")
            out.append("|---|---|")
            out.append("| config `\(Self.cell((provenance.config.path as NSString).lastPathComponent))` | `\(provenance.config.sha256)` |")
            out.append("| prompts `\(Self.cell((provenance.prompts.path as NSString).lastPathComponent))` | `\(provenance.prompts.sha256)` |")
            out.append("| sampling settings (seed, pool, principles, endpoints) | `\(provenance.samplingSettings)` |")
            for (file, digest) in provenance.judgeFiles.sorted(by: { $0.key < $1.key }) {
                out.append("| `\(Self.cell(file))` | `\(digest)` |")
            }
            out.append("")
            out.append("`run-summary.json` keeps the same hashes.")
        }
        out.append("")
        out.append("The run's config, with header values and anything that looks like a credential replaced by `\(ConfigRedaction.placeholder)`:")
        out.append("")
        out.append("```yaml")
        out.append(run.redactedConfig.trimmingCharacters(in: .newlines).replacingOccurrences(of: "```", with: "` ` `"))
        out.append("```")
        out.append("")
        return out
    }

    // MARK: formatting

    private func notMeasured(_ what: String) -> String {
        if run == nil { return "Not recorded by `prefab pairs`; the run's report.html has the \(what)." }
        return "Not measured: the run wrote no report (`--no-report`)."
    }

    /// A table cell: one line, pipes escaped.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "—" }
        if value.isNaN { return "n/a" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.3f", value)
    }

    static func counts(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    /// Compact JSON, keys sorted: how the card shows a config value.
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }
}
