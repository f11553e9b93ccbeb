/// Why a partition could not be chosen or run, with what to do about it.
public enum RunPartitionError: Error, CustomStringConvertible, Sendable, Equatable {
    case unreadable(String)
    case badCount(Int)
    case indexOutOfRange(index: Int, count: Int)
    /// A scheduler's index variable is set but nothing says how many parts there are.
    case countMissing(variable: String, index: String, hint: String)
    /// `--partitions N` without a scheduler index to go with it.
    case indexMissing(partitions: Int)
    /// An environment variable holds something that is not a number.
    case badVariable(name: String, value: String)
    /// The output already has parts of a run split another way.
    case countConflict(output: String, requested: Int, existing: [String])
    /// A run without a partition into an output that holds a split run's parts: its datasets
    /// would replace the parts' (the stage directories are swapped in whole).
    case wholeRunOverParts(output: String, existing: [String])

    public var description: String {
        switch self {
        case .unreadable(let text):
            "partition '\(text)' is not I/N (for example 2/4: the third of four parts, counted from 0)"
        case .badCount(let count):
            "a run splits into 1 to \(RunPartition.largestCount) partitions, not \(count)"
        case .indexOutOfRange(let index, let count):
            "partition \(index) of \(count) does not exist: partitions are numbered 0 to \(count - 1)"
        case .countMissing(let variable, let index, let hint):
            "\(variable)=\(index) says which partition this is, but not how many there are: \(hint)"
        case .indexMissing(let partitions):
            "--partitions \(partitions) takes the partition's index from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX, and neither is set; pass --partition I/\(partitions) instead"
        case .badVariable(let name, let value):
            "\(name)='\(value)' is not a whole number"
        case .wholeRunOverParts(let output, let existing):
            "\(output) holds partitions of a split run (\(existing.joined(separator: ", "))); a run without --partition would replace their datasets: run each partition with --partition I/N and `prefab merge`, or use another output directory"
        case .countConflict(let output, let requested, let existing):
            "\(output) already holds partitions of a run split in \(existing.joined(separator: " and ")); a run in \(requested) partitions would not merge with them: use the same count, or another output directory"
        }
    }
}
