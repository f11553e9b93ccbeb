/// How `LocalServer.start` sizes the server. Unset fields take the script's defaults, which fit
/// the machine: threads = cores − 1 (at least 1, at most 8), slots = max(4, cores) (at most 16),
/// the model's trained context (from its GGUF metadata: 8192 tokens for SmolLM2) per slot,
/// embeddings on.
package struct LocalServerOptions: Sendable, Hashable {
    /// A fixed port; nil picks a free one.
    package var port: Int?
    /// Parallel slots (`-np`): requests decoded together, and the largest `n` one request may ask.
    package var slots: Int?
    /// CPU threads for generation (`-t`). More threads than free cores is much slower, not faster:
    /// the threads wait for each other at every token.
    package var threads: Int?
    /// Context tokens per slot; the server's context is `slots × contextPerSlot`.
    package var contextPerSlot: Int?
    /// Also serve `/v1/embeddings` (mean-pooled) from the same server.
    package var embeddings: Bool
    /// Seconds to wait for `/health` before giving up.
    package var startTimeout: Int?

    package init(
        port: Int? = nil,
        slots: Int? = nil,
        threads: Int? = nil,
        contextPerSlot: Int? = nil,
        embeddings: Bool = true,
        startTimeout: Int? = nil
    ) {
        self.port = port
        self.slots = slots
        self.threads = threads
        self.contextPerSlot = contextPerSlot
        self.embeddings = embeddings
        self.startTimeout = startTimeout
    }

    /// The settings as the environment variables `scripts/local` reads.
    var environment: [String: String] {
        var environment = ["PREFAB_LOCAL_EMBEDDINGS": embeddings ? "1" : "0"]
        if let port { environment["PREFAB_LOCAL_PORT"] = String(port) }
        if let slots { environment["PREFAB_LOCAL_SLOTS"] = String(slots) }
        if let threads { environment["PREFAB_LOCAL_THREADS"] = String(threads) }
        if let contextPerSlot { environment["PREFAB_LOCAL_CTX_PER_SLOT"] = String(contextPerSlot) }
        if let startTimeout { environment["PREFAB_LOCAL_START_TIMEOUT"] = String(startTimeout) }
        return environment
    }
}
