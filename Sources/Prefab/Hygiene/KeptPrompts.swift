/// A prompt reader that skips the prompts hygiene removed, by their 0-based input position.
///
/// The run decides removals in one pass before sampling and then streams the input again
/// through this, so only the removed positions (not the kept prompts) are held in memory.
/// A partitioned run also skips the prompts of other partitions (after hygiene, which sees the
/// whole input in every partition and so removes the same prompts in each).
package final class KeptPrompts {
    private let reader: PromptReader
    private let removed: Set<Int>
    private let partition: RunPartition?
    private var position = 0

    package init(_ reader: PromptReader, removed: Set<Int>, partition: RunPartition? = nil) {
        self.reader = reader
        self.removed = removed
        self.partition = partition
    }

    package func next<Failure: Error>(or wrap: (PromptInputError) -> Failure) throws(Failure) -> PromptRecord? {
        while let prompt = try reader.next(or: wrap) {
            defer { position += 1 }
            if removed.contains(position) { continue }
            if let partition, !partition.contains(promptID: prompt.promptID) { continue }
            return prompt
        }
        return nil
    }
}
