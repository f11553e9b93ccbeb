/// A chat client that counts its calls in an `EndpointActivity` and in the prompt's `CallSlots`
/// reservation (outermost wrapper, so it sees cache hits as well as real calls, and calls still
/// waiting in the endpoint's limiter).
struct TrackedChatClient: ChatClient {
    let base: any ChatClient
    let activity: EndpointActivity

    var identity: ModelIdentity { base.identity }

    var contextWindow: Int? {
        get async { await base.contextWindow }
    }

    func chat(_ request: ChatRequest) async throws -> ChatResponse {
        activity.started()
        // The prompt's share of the run's call slots (`CallSlots`), when the run admits by them.
        let reservation = CallSlots.Reservation.current
        reservation?.started(activity.name)
        defer { reservation?.finished(activity.name) }
        let started = ContinuousClock.now
        do {
            let response = try await base.chat(request)
            activity.finished(response, duration: ContinuousClock.now - started)
            return response
        } catch {
            activity.finished(nil, error: error, duration: ContinuousClock.now - started)
            throw error
        }
    }
}
