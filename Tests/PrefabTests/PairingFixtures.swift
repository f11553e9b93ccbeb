@testable import Prefab

/// Hand-built rated records for the pairing tests.
enum PairingFixtures {
    static func completion(
        _ model: String, _ response: String, fine: Double?, overall: Double? = nil,
        aspects: [String: String] = [:], scores: [String: Double] = [:]
    ) -> RatedCompletion {
        RatedCompletion(
            model: model, response: response,
            annotations: aspects.mapValues { AspectAnnotation(rating: $0, rationale: "") },
            overallScore: overall, fineGrainedScore: fine, scores: scores
        )
    }

    static func record(_ id: String, _ completions: [RatedCompletion]) -> RatedRecord {
        RatedRecord(
            source: "test", instruction: "Question \(id)?", models: completions.map(\.model),
            completions: completions, promptID: id, messages: [.user("Question \(id)?")]
        )
    }

    static func pairs(_ outcome: PairingOutcome) -> [PreferencePair] {
        if case .pairs(let pairs) = outcome { return pairs }
        return []
    }
}
