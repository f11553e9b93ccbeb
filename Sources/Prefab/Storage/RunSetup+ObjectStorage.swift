import Foundation
import PrefabStorage

extension RunSetup {
    /// Brings `s3://` prompts to local disk, beside the run journals (one copy per location,
    /// fetched again each session so a changed object is noticed by the journal's prompt check).
    /// Call after `load` and before anything reads the prompts.
    package mutating func localizeRemoteInputs(environment: [String: String] = ProcessInfo.processInfo.environment) async throws(RunError) {
        guard RemoteInput.isRemote(prompts.path) else { return }
        let directory = RemoteInput.stagingDirectory(for: prompts.path, cachePath: cachePath) + "-input"
        do {
            prompts.path = try await RemoteInput.localize(prompts.path, into: directory, storage: configuration.storage, environment: environment)
        } catch {
            throw .output(path: prompts.path, reason: "cannot read the prompts: \(error)")
        }
    }
}
