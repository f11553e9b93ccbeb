import Foundation
import PrefabShards

/// What an endpoint needs besides the request: the configuration, the counters, and the
/// per-request decisions the engine already made.
struct EndpointContext {
    let configuration: SimulatorConfiguration
    let recorder: StatsRecorder
    /// The request's arrival number, for unique ids.
    let sequence: UInt64
    /// Answer structured requests with prose (the `unparseable` fault).
    let unparseable: Bool
    /// The request's `x-sim-answer-style`, else the configuration's.
    let answerStyle: SimulatorConfiguration.AnswerStyle

    /// The UltraFeedback answer for a plain-text request under the `ultrafeedback-text` style
    /// whose prompt has that layout; nil otherwise (prose, or JSON for a schema).
    func ultraFeedbackAnswer(prompt: String, structured: Bool) -> UltraFeedbackTextAnswer? {
        guard answerStyle == .ultraFeedbackText, !structured else { return nil }
        return UltraFeedbackTextAnswer(prompt: prompt)
    }

    /// Seconds since 1970, for `created` fields.
    var now: Int { Int(Date().timeIntervalSince1970) }

    /// A unique id: prefix, arrival number and a hash of the content.
    func identifier(_ prefix: String, hash: UInt64) -> String {
        prefix + String(sequence, radix: 16) + String(hash & 0xFFFF_FFFF, radix: 16)
    }

    /// A generator for choice `index` of a request whose content hashes to `base`.
    static func generator(base: UInt64, choice index: Int) -> SplitMix64 {
        SplitMix64(seed: SplitMix64.mix(base ^ SplitMix64.mix(UInt64(index) &+ 0x5EED)))
    }
}
