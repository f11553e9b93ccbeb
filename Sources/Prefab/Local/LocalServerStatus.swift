/// Whether the local server runs, as `LocalServer.status()` finds it.
package enum LocalServerStatus: Sendable, Hashable {
    /// The state file's process is the llama-server it names and answers `/health`.
    case running(LocalServerState)
    /// The process is alive but `/health` does not answer (still loading the model, or hung).
    case unhealthy(LocalServerState)
    /// No server runs; `installed` says whether `start` could launch one without installing.
    case stopped(installed: Bool)

    /// The record of a healthy server, else nil.
    package var running: LocalServerState? {
        if case .running(let record) = self { record } else { nil }
    }
}
