import Foundation

/// Renders a `RunReport` as one self-contained HTML page: inline CSS, inline SVG charts, no
/// script and no external resource, so it opens offline and can be mailed or archived as is.
/// Every text from the run (model names, answers, reasons) is HTML-escaped.
package enum RunReportHTML {
    package static func render(_ report: RunReport) -> String {
        var page = Page()
        page.heading(1, "Prefab run report")
        page.raw("<p class=\"meta\">\(e(report.directory)) · \(e(report.tool)) · stages found: ")
        page.raw(report.stages.isEmpty ? "none" : report.stages.map(e).joined(separator: ", "))
        if let ensemble = report.ensemble { page.raw(" · ensemble \(e(ensemble))") }
        page.raw("</p>")
        page.raw("<nav>" + (report.hygiene == nil ? "" : "<a href=\"#hygiene\">Prompt hygiene</a> · ") + "<a href=\"#counts\">Counts</a> · <a href=\"#scores\">Scores</a> · <a href=\"#agreement\">Agreement</a> · ")
        page.raw("<a href=\"#bias\">Bias</a> · <a href=\"#pairs\">Pairs</a> · <a href=\"#diversity\">Diversity</a> · ")
        if report.humanReview != nil { page.raw("<a href=\"#human-review\">Human review</a> · ") }
        page.raw("<a href=\"#failures\">Failures</a> · <a href=\"#tokens\">Tokens and cost</a></nav>")
        hygiene(report, &page)
        counts(report, &page)
        scores(report, &page)
        agreement(report, &page)
        bias(report, &page)
        pairs(report, &page)
        humanReview(report, &page)
        diversity(report, &page)
        failures(report, &page)
        tokens(report, &page)
        if !report.notes.isEmpty {
            page.heading(2, "Notes", id: "notes")
            page.raw("<ul>" + report.notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>")
        }
        return page.document(title: "Prefab run report: \(report.directory)")
    }

    // MARK: sections

    private static func counts(_ report: RunReport, _ page: inout Page) {
        let c = report.counts
        page.heading(2, "Counts", id: "counts")
        var rows: [[String]] = [
            ["prompts sampled", n(c.prompts)], ["completions", n(c.completions)],
            ["sampling failures", n(c.sampleFailures)], ["empty answers", n(c.emptyCompletions)],
            ["truncated answers", n(c.truncatedCompletions)], ["prompts rated", n(c.ratedPrompts)],
            ["completions rated", n(c.ratedCompletions)], ["prompts the judges failed", n(c.judgeFailures)],
            ["prompts with pairs", n(c.promptsWithPairs)],
        ]
        for (split, count) in (c.pairsBySplit ?? [:]).sorted(by: { $0.key < $1.key }) {
            rows.append(["pairs (\(e(split)))", n(count)])
        }
        page.table(["", "count"], rows, caption: "“–”: the stage's directory is not in the run.")
        if let dropped = c.droppedByReason {
            page.heading(3, "Prompts without a pair, by reason")
            if dropped.isEmpty {
                page.raw("<p>None dropped.</p>")
            } else {
                page.table(["reason", "prompts"], dropped.sorted { $0.key < $1.key }.map { [e($0.key), n($0.value)] })
            }
        }
    }

    private static func scores(_ report: RunReport, _ page: inout Page) {
        page.heading(2, "Score distributions", id: "scores")
        guard !report.scores.isEmpty else { return page.absent("No rated records.") }
        let models = Set(report.scores.flatMap(\.byModel.keys)).sorted()
        var meanRows: [[String]] = []
        for distribution in report.scores {
            let edges = distribution.histogram.edges
            let categories = (0..<max(edges.count - 1, 0)).map { RunReportChart.tickLabel((edges[$0] + edges[$0 + 1]) / 2) }
            let series = models.map { model in
                RunReportChart.Series(name: model, values: (distribution.byModel[model]?.counts ?? []).map(Double.init))
            }
            let chart = RunReportChart(
                title: "\(distribution.aspect): completions per score, by model", categories: categories,
                series: series.isEmpty ? [.init(name: "all", values: distribution.histogram.counts.map(Double.init))] : series,
                yLabel: "completions")
            page.figure(chart.svg(), caption:
                "<b>\(e(distribution.aspect))</b>: completions per score (bins centred on whole scores), one bar per model. "
                + "Mean \(x(distribution.mean, 2)) over \(n(distribution.histogram.total)); \(n(distribution.missing)) without a score.")
            meanRows.append([e(distribution.aspect)] + models.map { x(distribution.meanByModel[$0], 2) } + [x(distribution.mean, 2)])
        }
        page.heading(3, "Mean score per aspect and model")
        page.table(["aspect"] + models.map(e) + ["all"], meanRows)
    }

    private static func agreement(_ report: RunReport, _ page: inout Page) {
        page.heading(2, "Judge agreement", id: "agreement")
        guard let agreement = report.agreement else { return page.absent("No judge report (rated/judge-report.json).") }
        page.raw("<p>Krippendorff's alpha (ordinal): <b>\(x(agreement.krippendorffAlpha))</b> over \(n(agreement.alphaUnits)) "
            + "completion × aspect units rated by two or more judges.</p>")
        let judges = Set(agreement.judges.keys).union(agreement.pairs.flatMap { [$0.first, $0.second] }).sorted()
        guard judges.count > 1, !agreement.pairs.isEmpty else {
            return page.absent("Fewer than two judges rated the same items: no pairwise agreement.")
        }
        for (name, value) in [("Quadratic-weighted Cohen's kappa", \JudgePairAgreement.kappa), ("Spearman's rank correlation", \.spearman)] {
            var rows: [[String]] = []
            for row in judges {
                var cells = [e(row)]
                for column in judges {
                    if row == column { cells.append("<span class=\"diag\">1</span>"); continue }
                    let pair = agreement.pairs.first { ($0.first == row && $0.second == column) || ($0.first == column && $0.second == row) }
                    let v = pair?[keyPath: value]
                    cells.append(v.map { "<span class=\"cell\" style=\"background:\(heat($0))\">\(x($0))</span>" } ?? "–")
                }
                rows.append(cells)
            }
            page.table(["judge"] + judges.map(e), rows, caption: "\(name) per judge pair (1 = full agreement, 0 = chance).", matrix: true)
        }
        page.table(["first", "second", "items in common"], agreement.pairs.map { [e($0.first), e($0.second), n($0.items)] })
    }

    private static func bias(_ report: RunReport, _ page: inout Page) {
        page.heading(2, "Position and length bias", id: "bias")
        guard let agreement = report.agreement, !agreement.judges.isEmpty else { return page.absent("No judge report.") }
        let judges = agreement.judges.sorted { $0.key < $1.key }
        let chart = RunReportChart(
            title: "P(prefers first shown) and P(prefers longer) per judge", categories: judges.map(\.key),
            series: [
                .init(name: "P(prefers first position)", values: judges.map { $0.value.prefersFirst ?? 0 }),
                .init(name: "P(prefers longer)", values: judges.map { $0.value.prefersLonger ?? 0 }),
            ], yLabel: "probability", yMax: 1, reference: 0.5, integerValues: false)
        page.figure(chart.svg(), caption: "Share of decisive comparisons won by the answer shown first, and by the longer answer. "
            + "The dashed line is 0.5 (no bias); a judge with no such comparisons shows 0 here and “–” below.")
        page.table(
            ["judge", "P(prefers first)", "comparisons", "P(prefers longer)", "comparisons", "order-consistent"],
            judges.map { name, f in
                [e(name), x(f.prefersFirst), n(f.positionComparisons), x(f.prefersLonger), n(f.lengthComparisons),
                 f.orderPairs > 0 ? "\(x(f.positionConsistency)) of \(n(f.orderPairs))" : "–"]
            })
        let positions = judges.map(\.value.comparisonsByPosition.count).max() ?? 0
        guard positions > 0 else { return }
        page.table(
            ["judge"] + (0..<positions).map { "\(CompletionLabel.label($0)) (position \($0))" },
            judges.filter { !$0.value.comparisonsByPosition.isEmpty }.map { name, f in
                [e(name)] + (0..<positions).map { position in
                    guard position < f.comparisonsByPosition.count, let rate = f.ratedHigherByPosition[position] else { return "–" }
                    return "<span class=\"cell\" style=\"background:\(heat(1 - 2 * abs(rate - 0.5)))\">\(x(rate))</span> "
                        + "of \(n(f.comparisonsByPosition[position]))"
                }
            },
            caption: "P(rated higher | position shown): per position in a call, the share of decisive comparisons with an answer "
                + "shown elsewhere in the same call that the answer shown there won. About 0.5 everywhere without position bias; "
                + "shuffles: N in multi mode averages a preference out.",
            matrix: true)
    }

    private static func pairs(_ report: RunReport, _ page: inout Page) {
        page.heading(2, "Pairs", id: "pairs")
        guard let pairs = report.pairs else { return page.absent("No pairs/ directory.") }
        if let s = pairs.summary {
            page.raw("<p>Strategy <b>\(e(s.strategy))</b>, format <b>\(e(s.format))</b>, score <b>\(e(s.score))</b>, "
                + "minimum margin \(x(s.minMargin, 2)), test ratio \(x(s.testRatio, 2)), seed \(s.seed). "
                + "\(n(s.promptsWithRows)) of \(n(s.prompts)) prompts gave rows.</p>")
        }
        if let margins = pairs.margins {
            let edges = margins.edges
            let chart = RunReportChart(
                title: "Pair margins", categories: (0..<margins.counts.count).map { RunReportChart.tickLabel(edges[$0]) + "–" },
                series: [.init(name: "pairs", values: margins.counts.map(Double.init))], yLabel: "pairs")
            page.figure(chart.svg(), caption: "Margin (chosen score − rejected score) of the \(n(margins.total)) rows, "
                + "in bins of 0.5 labelled by their lower edge. Mean \(x(pairs.meanMargin, 2)).")
        } else {
            page.absent("The rows carry no margin.")
        }
        if !pairs.examples.isEmpty {
            page.heading(3, "Example rows (train)")
            page.table(["prompt", "chosen", "rejected", "margin"], pairs.examples.map {
                [text($0.prompt), text($0.chosen) + model($0.chosenModel), text($0.rejected) + model($0.rejectedModel), x($0.margin, 2)]
            })
        }
    }

    /// Only when the run was reviewed (`prefab review`): a run without reviews has no section.
    private static func humanReview(_ report: RunReport, _ page: inout Page) {
        guard let review = report.humanReview else { return }
        page.heading(2, "Human review", id: "human-review")
        page.raw("<p>\(n(review.reviewed)) items reviewed with an agreed verdict; \(n(review.conflicts)) where reviewers disagree "
            + "(the judges' labels stand there). Humans picked the longer answer in \(percent(review.humanPrefersLonger)) of their preferences.</p>")
        func interval(_ value: HumanAgreement.Interval?) -> String {
            value.map { "[\(x($0.low, 2)), \(x($0.high, 2))]" } ?? ""
        }
        page.table(
            ["judge", "items", "accuracy (95% CI)", "Cohen's κ (95% CI)", "prefers first", "prefers longer"],
            review.rows.map { row in
                [e(row.judge), n(row.items), "\(x(row.accuracy, 2)) \(interval(row.accuracyInterval)) (\(row.agree)/\(row.preferences))",
                 "\(x(row.kappa, 2)) \(interval(row.kappaInterval))", "\(x(row.prefersFirst, 2)) \(interval(row.prefersFirstInterval))",
                 "\(x(row.prefersLonger, 2)) \(interval(row.prefersLongerInterval))"]
            },
            caption: "Each reviewed item compares the reviewers' choice with the judges' (or the answer the judges rank lowest when they agree). "
                + "Accuracy: the judge ranked the reviewers' choice higher. κ: three categories (first, second, neither).")
        if !review.aspects.isEmpty {
            page.heading(3, "Aspect ratings against the reviewers'")
            page.table(
                ["judge", "aspect", "ratings", "mean |difference|", "within 1 point (95% CI)", "correlation"],
                review.aspects.map { row in
                    [e(row.judge), e(row.aspect), n(row.ratings), x(row.meanAbsoluteDifference, 2),
                     "\(x(row.withinOne, 2)) \(interval(row.withinOneInterval))", x(row.correlation, 2)]
                },
                caption: "Answers whose aspect a reviewer rated (1–5, the mean of several reviewers) and the judge rated on the same scale.")
        }
        if review.overturned.isEmpty {
            page.absent("The reviewers overturned none of the judges' choices.")
        } else {
            page.heading(3, "Items where reviewers overturned the judges")
            page.table(["prompt id", "judges chose", "reviewers chose"], review.overturned.map { [e($0.promptID), e($0.judges ?? "no pair"), e($0.human)] })
        }
    }

    private static func percent(_ value: Double?) -> String { value.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }

    private static func diversity(_ report: RunReport, _ page: inout Page) {
        page.heading(2, "Diversity", id: "diversity")
        guard !report.diversity.isEmpty else { return page.absent("Not measured (diversity off, or fewer than two texts).") }
        // Every figure any column has, in the order the reports list them.
        var keys: [String] = []
        for figure in report.diversity.flatMap(\.figures) where !keys.contains(figure.key) { keys.append(figure.key) }
        var rows: [[String]] = []
        for key in keys {
            let figures = report.diversity.map { $0.figures.first { $0.key == key } }
            let present = figures.compactMap { $0 }
            guard let first = present.first(where: { $0.value != nil }) ?? present.first else { continue }
            rows.append([e(key)] + figures.map { e($0?.formatted ?? "–") }
                + [first.higherIsMoreDiverse ? "higher" : "lower", e(first.detail)])
        }
        var caption = "Cheap metrics (no model, every text): distinct-n, self-repetition, zstd compression ratio, homogenization (ROUGE-L)."
        let models = Set(report.diversity.compactMap(\.embeddingModel)).sorted()
        if !models.isEmpty || report.diversity.contains(where: { $0.vendi != nil || $0.clusters != nil }) {
            caption += " Vendi and clusters from the embeddings of \(models.isEmpty ? "an embedding model" : models.joined(separator: ", "))."
        }
        if report.diversity.contains(where: { $0.clusterAgent != nil }) {
            caption += " Cluster agent: D = mean of clusters ÷ mean cluster size over the rounds, 1/K (all alike) to K (all different); compare only at the same K."
        }
        page.table(["metric"] + report.diversity.map { e("\($0.label) (\($0.documents))") } + ["more diverse", "detail"], rows,
                   caption: caption)
        for diversity in report.diversity {
            guard let agent = diversity.clusterAgent else { continue }
            page.heading(3, "Cluster agent: \(diversity.label)")
            page.raw("<p>K = \(agent.samplesPerRound) texts per clustering round, J = \(agent.criteriaSamplesPerRound) per criteria round, "
                + "M = \(agent.criteriaRounds) criteria rounds, N = \(agent.clusteringRounds) clustering rounds per seed.</p>")
            page.table(
                ["seed", "score", "rounds scored", "rounds discarded", "retries", "clusters removed", "criteria", "unusable answers"],
                agent.seeds.map { seed in
                    [String(seed.seed), x(seed.score), n(seed.roundsScored), n(seed.roundsDiscarded), n(seed.retries),
                     n(seed.clustersRemoved), e(seed.criteria.map(\.name).joined(separator: ", ")),
                     e(seed.failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))]
                })
        }
    }

    private static func hygiene(_ report: RunReport, _ page: inout Page) {
        guard let h = report.hygiene else { return }
        page.heading(2, "Prompt hygiene", id: "hygiene")
        var rows = [["prompts read", n(h.prompts)], ["kept (sampled)", n(h.kept)]]
        for reason in HygieneReport.Reason.allCases {
            rows.append(["removed: \(e(reason.rawValue.replacingOccurrences(of: "_", with: " ")))", n(h.removed[reason.rawValue] ?? 0)])
        }
        page.table(["", "prompts"], rows, caption: "Every removal is listed in hygiene-report.json.")
        if !h.examples.isEmpty {
            page.heading(3, "Examples")
            page.table(
                ["#", "reason", "why", "prompt"],
                h.examples.map { [n($0.ordinal), e($0.reason.rawValue), e($0.explanation), text($0.text)] })
        }
        if !h.settings.isEmpty { page.raw("<ul>" + h.settings.map { "<li>\(e($0))</li>" }.joined() + "</ul>") }
    }

    private static func failures(_ report: RunReport, _ page: inout Page) {
        page.heading(2, "Failures", id: "failures")
        let f = report.failures
        if f.isEmpty { page.raw("<p>None recorded.</p>") }
        let tables: [(String, String, [String: Int])] = [
            ("Sampling failures by kind", "kind", f.samplingByKind),
            ("Judge answers that could not be read, by judge", "judge", f.judgeParseFailuresByJudge),
            ("Judge answers that could not be read, by reason", "reason", f.judgeParseFailuresByReason),
            ("Prompts the judge stage failed, by reason", "reason", f.judgePromptsByReason),
        ]
        for (title, key, counts) in tables where !counts.isEmpty {
            page.heading(3, title)
            page.table([key, "count"], counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { [e($0.key), n($0.value)] })
        }
    }

    private static func tokens(_ report: RunReport, _ page: inout Page) {
        page.heading(2, "Tokens, cost and throughput", id: "tokens")
        if report.tokens.isEmpty {
            page.absent("No usage in the records.")
        } else {
            let chart = RunReportChart(
                title: "Tokens per model and judge", categories: report.tokens.map { "\($0.stage): \($0.name)" },
                series: [.init(name: "prompt tokens", values: report.tokens.map { Double($0.promptTokens) }),
                         .init(name: "completion tokens", values: report.tokens.map { Double($0.completionTokens) })],
                yLabel: "tokens")
            page.figure(chart.svg(), caption: "Tokens from the records' usage fields: sampling per pool model, judging per judge.")
            page.table(
                ["stage", "name", "calls", "cached", "prompt tokens", "completion tokens", "total", "completion tokens / s of call time"],
                report.tokens.map {
                    [e($0.stage), e($0.name), n($0.calls), $0.cachedCalls.map(n) ?? "–", n($0.promptTokens), n($0.completionTokens),
                     n($0.totalTokens), x($0.completionTokensPerSecond, 1)]
                })
        }
        page.heading(3, "Per endpoint")
        if report.endpoints.isEmpty {
            page.raw("<p>Cost and throughput per endpoint: <b>not recorded</b> for this run.</p>")
        } else {
            page.table(
                ["endpoint", "model", "requests", "failures", "retries", "tokens", "cost", "requests / s", "tokens / s"],
                report.endpoints.map {
                    [e($0.endpoint), e($0.model), n($0.requests), n($0.failures), n($0.retries), n($0.totalTokens),
                     $0.cost.map { x($0, 4) } ?? "not recorded",
                     $0.requestsPerSecond.map { x($0, 2) } ?? "not recorded", $0.tokensPerSecond.map { x($0, 1) } ?? "not recorded"]
                })
        }
    }

    // MARK: helpers

    private static func text(_ value: String) -> String { "<div class=\"text\">\(e(value))</div>" }
    private static func model(_ name: String?) -> String { name.map { "<div class=\"model\">\(e($0))</div>" } ?? "" }

    private static func e(_ text: String) -> String { RunReportHTMLText.escape(text) }
    private static func n(_ value: Int?) -> String { RunReportHTMLText.count(value) }
    private static func x(_ value: Double?, _ digits: Int = 3) -> String { RunReportHTMLText.number(value, digits: digits) }

    /// Red (−1) through white (0) to green (1), for agreement cells.
    private static func heat(_ value: Double) -> String {
        let v = max(-1, min(1, value))
        let hue = v >= 0 ? 130 : 0
        let lightness = 96 - Int(abs(v) * 40)
        return "hsl(\(hue),55%,\(lightness)%)"
    }

    /// The page being written, and the markup for its parts.
    private struct Page {
        var body = ""

        mutating func raw(_ html: String) { body += html }

        mutating func heading(_ level: Int, _ text: String, id: String? = nil) {
            body += "<h\(level)\(id.map { " id=\"\($0)\"" } ?? "")>\(RunReportHTMLText.escape(text))</h\(level)>\n"
        }

        mutating func absent(_ text: String) { body += "<p class=\"absent\">\(RunReportHTMLText.escape(text))</p>\n" }

        /// `cells` are HTML already escaped by the caller.
        mutating func table(_ header: [String], _ rows: [[String]], caption: String? = nil, matrix: Bool = false) {
            body += "<table\(matrix ? " class=\"matrix\"" : "")>"
            if let caption { body += "<caption>\(RunReportHTMLText.escape(caption))</caption>" }
            body += "<thead><tr>" + header.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
            for row in rows { body += "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>" }
            body += "</tbody></table>\n"
        }

        /// `caption` is HTML already escaped by the caller.
        mutating func figure(_ svg: String, caption: String) {
            body += "<figure>\(svg)<figcaption>\(caption)</figcaption></figure>\n"
        }

        func document(title: String) -> String {
            """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(RunReportHTMLText.escape(title))</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#222;margin:0 auto;max-width:1100px;padding:1.5rem;line-height:1.45}
            h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
            .meta{color:#666;margin-top:0}nav{margin:1rem 0;font-size:.95rem}a{color:#0060a0}
            table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem}caption{caption-side:bottom;text-align:left;color:#666;font-size:.85rem;padding-top:.3rem}
            th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:left;vertical-align:top}th{background:#f4f4f4}
            td:not(:first-child){font-variant-numeric:tabular-nums}
            .matrix td{text-align:center}.cell{display:inline-block;min-width:3.5rem;padding:.1rem .3rem;border-radius:3px}.diag{color:#999}
            figure{margin:1rem 1.5rem 1rem 0;display:inline-block;vertical-align:top;max-width:100%}figcaption{color:#555;font-size:.85rem;max-width:520px}
            svg.chart{max-width:100%;height:auto;background:#fff;border:1px solid #eee;font-family:inherit}
            .absent{color:#777;font-style:italic}
            .text{white-space:pre-wrap;max-width:22rem;max-height:14rem;overflow:auto;font-size:.85rem}.model{color:#666;font-size:.8rem;margin-top:.3rem}
            </style></head><body>
            \(body)
            </body></html>

            """
        }
    }
}
