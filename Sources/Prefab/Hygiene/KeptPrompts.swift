/// A prompt reader that skips the prompts hygiene removed, by their 0-based input position.
///
/// The run decides removals in one pass before sampling and then streams the input again
/// through this, so only the removed positions (not the kept prompts) are held in memory.
package final class KeptPrompts {
    private let reader: PromptReader
    private let removed: Set<Int>
    private var position = 0

    package init(_ reader: PromptReader, removed: Set<Int>) {
        self.reader = reader
        self.removed = removed
    }

    package func next<Failure: Error>(or wrap: (PromptInputError) -> Failure) throws(Failure) -> PromptRecord? {
        while let prompt = try reader.next(or: wrap) {
            defer { position += 1 }
            if !removed.contains(position) { return prompt }
        }
        return nil
    }
}
