/// A chat client that counts its calls in an `EndpointActivity` (outermost wrapper, so it sees
/// cache hits as well as real calls).
struct TrackedChatClient: ChatClient {
    let base: any ChatClient
    let activity: EndpointActivity

    var identity: ModelIdentity { base.identity }

    var contextWindow: Int? {
        get async { await base.contextWindow }
    }

    func chat(_ request: ChatRequest) async throws -> ChatResponse {
        activity.started()
        do {
            let response = try await base.chat(request)
            activity.finished(response)
            return response
        } catch {
            activity.finished(nil)
            throw error
        }
    }
}
