import Foundation
import PrefabShards

/// One batch the simulator holds: its requests' answers (computed when it is created, exactly as
/// the synchronous endpoint would give them), when it completes, and what its faults do to it.
struct SimulatedBatch: Sendable {
    enum Provider: String, Sendable {
        case openAI = "openai"
        case anthropic
    }

    /// One request's answer as the synchronous endpoint gave it.
    struct Answer: Sendable {
        var customID: String
        var status: Int
        var body: [UInt8]
    }

    /// How the batch ends once its time is up.
    enum Ending: Sendable {
        case completed
        case expired
        case cancelled
        /// Validation failed (OpenAI's `failed`): nothing is answered.
        case failed(String)
    }

    let id: String
    let provider: Provider
    /// OpenAI: the `endpoint` every line targets.
    let endpoint: String
    let inputFileID: String?
    let completionWindow: String
    let metadata: JSONValue
    let createdAt: Double
    let completesAt: Double
    let answers: [Answer]
    var ending: Ending
    /// Only the first half of the answers reach the output (the `partial` fault).
    let partial: Bool
    /// When the client asked to cancel it.
    var cancelRequestedAt: Double?
    /// Set once the batch is over and its files exist (OpenAI).
    var outputFileID: String?
    var errorFileID: String?

    /// Whether its time is up (or it was cancelled), so it shows its final state.
    func isOver(at now: Double) -> Bool {
        if case .failed = ending { return true }
        return cancelRequestedAt != nil || now >= completesAt
    }

    /// The final state's ending, with a client's cancellation taking effect.
    var finalEnding: Ending {
        if case .failed = ending { return ending }
        return cancelRequestedAt != nil ? .cancelled : ending
    }

    /// The answers the output holds, by what the batch came to.
    var delivered: [Answer] {
        switch finalEnding {
        case .completed:
            let succeeded = answers.filter { $0.status == 200 }
            let kept = partial ? Array(succeeded.prefix(succeeded.count / 2)) : succeeded
            return kept + answers.filter { $0.status != 200 }
        case .expired, .cancelled, .failed:
            return []
        }
    }

    /// OpenAI's status at `now`.
    func openAIStatus(at now: Double) -> String {
        if cancelRequestedAt != nil { return "cancelled" }
        if case .failed = ending { return "failed" }
        let total = completesAt - createdAt
        let elapsed = now - createdAt
        if elapsed >= total {
            switch ending {
            case .completed: return "completed"
            case .expired: return "expired"
            case .cancelled: return "cancelled"
            case .failed: return "failed"
            }
        }
        if elapsed < total * 0.1 { return "validating" }
        if elapsed < total * 0.8 { return "in_progress" }
        return "finalizing"
    }

    /// Anthropic's `processing_status` at `now`.
    func anthropicStatus(at now: Double) -> String {
        if cancelRequestedAt != nil { return "ended" }
        return now >= completesAt ? "ended" : "in_progress"
    }
}
