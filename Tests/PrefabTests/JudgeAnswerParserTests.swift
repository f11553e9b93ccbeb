import Testing

@testable import Prefab

@Suite("Judge answer parsing")
struct JudgeAnswerParserTests {
    let five = RatingScale.oneToFive
    let fiveNA = RatingScale(min: 1, max: 5, allowsNotApplicable: true)

    @Test("reads Rating: N in its common spellings")
    func ratingSpellings() throws {
        let answers: [(String, Double)] = [
            ("Rating: 4\nRationale: clear and correct.", 4),
            ("**Rating:** 3", 3),
            ("rating = 2", 2),
            ("The answer is fine.\nRATING: [[5]]", 5),
            ("Score (1-5): 4", 4),
            ("Feedback: good.\n[RESULT] 2", 2),
            ("Rating: 4/5 because it is mostly right", 4),
            ("Rating: 2\nOn reflection the answer is wrong.\nRating: 1", 1),
            ("  5. ", 5),
        ]
        for (answer, expected) in answers {
            let parsed = try JudgeAnswerParser.rating(from: answer, scale: five).get()
            #expect(parsed.rating == .score(expected), "\(answer)")
        }
    }

    @Test("takes [[n]] over a labelled rating mentioned elsewhere")
    func bracketWins() throws {
        let parsed = try JudgeAnswerParser.rating(from: "A rating: 2 would be harsh. Final: [[4]]", scale: five).get()
        #expect(parsed.rating == .score(4))
    }

    @Test("N/A is read only where the rubric allows it")
    func notApplicable() throws {
        #expect(try JudgeAnswerParser.rating(from: "Rating: N/A\nRationale: a poem.", scale: fiveNA).get().rating == .notApplicable)
        #expect(try JudgeAnswerParser.rating(from: "rating: n/a", scale: fiveNA).get().rating == .notApplicable)
        #expect(JudgeAnswerParser.rating(from: "Rating: N/A", scale: five) == .failure(.outOfScale("N/A")))
    }

    @Test("a rating outside the scale fails instead of being clamped")
    func outOfScale() {
        #expect(JudgeAnswerParser.rating(from: "Rating: 7", scale: five) == .failure(.outOfScale("7")))
        #expect(JudgeAnswerParser.rating(from: "{\"rating\": 0}", scale: five) == .failure(.outOfScale("0")))
    }

    @Test("prose without a rating, and an empty answer, fail")
    func noRating() {
        #expect(JudgeAnswerParser.rating(from: "The response is helpful and well organised.", scale: five) == .failure(.noRating))
        #expect(JudgeAnswerParser.rating(from: "  \n", scale: five) == .failure(.empty))
    }

    @Test("keeps the rationale, the types and UltraFeedback's second rationale")
    func rationaleAndTypes() throws {
        let answer = """
            Type: 1, 3
            Rationale: Clear and concise.
            Rating: 4
            Rationale: Accurate but misses one detail.
            """
        let parsed = try JudgeAnswerParser.rating(from: answer, scale: five).get()
        #expect(parsed.rating == .score(4))
        #expect(parsed.types == ["1", "3"])
        #expect(parsed.rationale == "Clear and concise.")
        #expect(parsed.rationaleForRating == "Accurate but misses one detail.")
    }

    @Test("reads JSON bare, in a code fence, and inside prose, with tolerant keys and values")
    func embeddedJSON() throws {
        let answers = [
            #"{"rating": 4, "rationale": "good"}"#,
            "Here is my evaluation:\n```json\n{\"Rating\": \"4\", \"Rationale\": \"good\"}\n```\nHope that helps.",
            #"Sure! {"score": "4/5", "explanation": "good"} That is all."#,
        ]
        for answer in answers {
            let parsed = try JudgeAnswerParser.rating(from: answer, scale: five).get()
            #expect(parsed.rating == .score(4), "\(answer)")
            #expect(parsed.rationale == "good")
        }
    }

    @Test("a cut-off JSON answer falls back to what the prose says, or fails")
    func truncatedJSON() {
        #expect(JudgeAnswerParser.rating(from: #"{"rationale": "The answer is long and"#, scale: five) == .failure(.noRating))
    }

    @Test("reads UltraFeedback's multi-completion sections in shown order")
    func multiSections() throws {
        let answer = """
            #### Output for Text 1
            Rating: 2
            Rationale: Wrong sum.

            #### Output for Text 2
            Rating: 5
            Rationale: Correct.
            **Text 3:** Rating: N/A
            Rationale: Creative.
            """
        let results = JudgeAnswerParser.ratings(from: answer, count: 3, scale: fiveNA)
        #expect(try results.map { try $0.get().rating } == [.score(2), .score(5), .notApplicable])
        #expect(try results[0].get().rationale == "Wrong sum.")
    }

    @Test("reads multi answers keyed by the letters the completions were shown under")
    func multiLabels() throws {
        let json = #"{"A": {"rating": 2, "types": ["x"], "rationale": "a"}, "C": {"rating": 4, "rationale": "c"}, "B": {"rating": "N/A", "rationale": "b"}}"#
        let results = JudgeAnswerParser.ratings(from: json, count: 3, scale: fiveNA)
        #expect(try results.map { try $0.get().rating } == [.score(2), .notApplicable, .score(4)])
        #expect(try results.map { try $0.get().rationale } == ["a", "b", "c"])
        let prefixed = JudgeAnswerParser.ratings(from: #"{"Response A": {"rating": 1}, "Response B": {"rating": 5}}"#, count: 2, scale: five)
        #expect(try prefixed.map { try $0.get().rating } == [.score(1), .score(5)])
        let prose = """
            **Response A**
            Rating: 3
            Rationale: Right.
            <response B>
            Rating: 1
            Rationale: Response is wrong.
            """
        let sections = JudgeAnswerParser.ratings(from: prose, count: 2, scale: five)
        #expect(try sections.map { try $0.get().rating } == [.score(3), .score(1)])
        #expect(try sections[1].get().rationale == "Response is wrong.")
        #expect(CompletionLabel.label(0) == "A" && CompletionLabel.label(25) == "Z" && CompletionLabel.label(26) == "AA")
        #expect(CompletionLabel.position(of: "AA") == 27 && CompletionLabel.position(of: "b") == 2 && CompletionLabel.position(of: "is") == 9 * 26 + 19)
    }

    @Test("a missing section fails only its own completion")
    func multiMissingSection() throws {
        let answer = "Text 1\nRating: 3\nText 3\nRating: 4"
        let results = JudgeAnswerParser.ratings(from: answer, count: 3, scale: five)
        #expect(try results[0].get().rating == .score(3))
        #expect(results[1] == .failure(.noRating))
        #expect(try results[2].get().rating == .score(4))
    }

    @Test("reads a multi JSON answer, reordering entries that name their text")
    func multiJSON() throws {
        let answer = #"{"ratings": [{"text": 2, "rating": 1, "rationale": "b"}, {"text": 1, "rating": 5, "rationale": "a"}]}"#
        let results = JudgeAnswerParser.ratings(from: answer, count: 2, scale: five)
        #expect(try results.map { try $0.get().rationale } == ["a", "b"])
        #expect(try results.map { try $0.get().rating } == [.score(5), .score(1)])
        let wrong = JudgeAnswerParser.ratings(from: #"[{"rating": 1}]"#, count: 2, scale: five)
        #expect(wrong == [.failure(.wrongCount(expected: 2, found: 1)), .failure(.wrongCount(expected: 2, found: 1))])
    }

    @Test("without headings, accepts exactly one rating per completion")
    func multiWithoutHeadings() throws {
        let results = JudgeAnswerParser.ratings(from: "Rating: 4 ... Rating: 2", count: 2, scale: five)
        #expect(try results.map { try $0.get().rating } == [.score(4), .score(2)])
        #expect(
            JudgeAnswerParser.ratings(from: "Rating: 4", count: 2, scale: five)
                == [.failure(.wrongCount(expected: 2, found: 1)), .failure(.wrongCount(expected: 2, found: 1))])
    }

    @Test("reads pairwise verdicts: [[A]], [[b]], [[TIE]], [[C]], labelled and JSON")
    func verdicts() throws {
        let answers: [(String, PairwiseVerdict)] = [
            ("Assistant A is more accurate. [[A]]", .a),
            ("[[ b ]]", .b),
            ("Both are equally good. [[TIE]]", .tie),
            ("Final verdict: [[C]]", .tie),
            ("Verdict: Output (b)", .b),
            ("Winner: a tie", .tie),
            (#"```json\n{"verdict": "B", "rationale": "shorter"}\n```"#, .b),
            ("I first thought [[A]] but on reflection [[B]]", .b),
        ]
        for (answer, expected) in answers {
            #expect(try JudgeAnswerParser.verdict(from: answer).get().verdict == expected, "\(answer)")
        }
        #expect(JudgeAnswerParser.verdict(from: "Both answers have merit.") == .failure(.noVerdict))
    }

    @Test("reads a critique with its 1–10 score")
    func critique() throws {
        let parsed = try JudgeAnswerParser.critique(from: "Critique: Too short.\nOverall Score: 6", scale: .oneToTen).get()
        #expect(parsed == ParsedCritique(critique: "Too short.", score: 6))
        let json = try JudgeAnswerParser.critique(from: #"{"critique": "ok", "overall_score": 8}"#, scale: .oneToTen).get()
        #expect(json.score == 8)
        #expect(JudgeAnswerParser.critique(from: "Overall Score: 11", scale: .oneToTen) == .failure(.outOfScale("11")))
    }
}
