/// Which partition this process runs, and where that came from, so the run can say it.
///
/// In order: the `--partition I/N` flag; Slurm's `SLURM_ARRAY_TASK_ID` (with
/// `SLURM_ARRAY_TASK_COUNT`, or `--partitions N` when the array is not `0-(N-1)` in one go);
/// Kubernetes' `JOB_COMPLETION_INDEX` for Indexed Jobs (with `PREFAB_PARTITIONS`); and
/// `PREFAB_PARTITION=I/N` for anything else (Ray tasks, shell loops). None of them: the whole
/// run in one process.
package struct RunPartitionChoice: Sendable, Equatable {
    package let partition: RunPartition
    /// How it was chosen, e.g. `SLURM_ARRAY_TASK_ID=2 of SLURM_ARRAY_TASK_COUNT=4`.
    package let source: String

    /// The partition from a flag or the environment; nil when neither names one.
    /// `partitions` is `--partitions N`, which gives the count for a scheduler index.
    package static func resolve(
        flag: String?, partitions: Int?, environment: [String: String]
    ) throws(RunPartitionError) -> RunPartitionChoice? {
        if let flag {
            let partition = try RunPartition(parsing: flag)
            if let partitions, partitions != partition.count {
                throw .unreadable("\(flag) with --partitions \(partitions)")
            }
            return RunPartitionChoice(partition: partition, source: "--partition \(flag)")
        }
        func number(_ name: String) throws(RunPartitionError) -> Int? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let value = Int(text) else { throw .badVariable(name: name, value: text) }
            return value
        }
        if let task = try number("SLURM_ARRAY_TASK_ID") {
            if let partitions {
                return RunPartitionChoice(
                    partition: try RunPartition(index: task, count: partitions),
                    source: "SLURM_ARRAY_TASK_ID=\(task) of --partitions \(partitions)")
            }
            guard let count = try number("SLURM_ARRAY_TASK_COUNT") else {
                throw .countMissing(
                    variable: "SLURM_ARRAY_TASK_ID", index: "\(task)",
                    hint: "this Slurm sets no SLURM_ARRAY_TASK_COUNT; pass --partitions N (the array being --array=0-(N-1))")
            }
            return RunPartitionChoice(
                partition: try RunPartition(index: task, count: count),
                source: "SLURM_ARRAY_TASK_ID=\(task) of SLURM_ARRAY_TASK_COUNT=\(count)")
        }
        if let index = try number("JOB_COMPLETION_INDEX") {
            let fromEnvironment = try number("PREFAB_PARTITIONS")
            guard let count = partitions ?? fromEnvironment else {
                throw .countMissing(
                    variable: "JOB_COMPLETION_INDEX", index: "\(index)",
                    hint: "set PREFAB_PARTITIONS to the Job's completions (or pass --partitions N)")
            }
            return RunPartitionChoice(
                partition: try RunPartition(index: index, count: count),
                source: "JOB_COMPLETION_INDEX=\(index) of \(partitions != nil ? "--partitions" : "PREFAB_PARTITIONS")=\(count)")
        }
        if let text = environment["PREFAB_PARTITION"], !text.isEmpty {
            let partition = try RunPartition(parsing: text)
            return RunPartitionChoice(partition: partition, source: "PREFAB_PARTITION=\(text)")
        }
        if let partitions {
            throw .indexMissing(partitions: partitions)
        }
        return nil
    }
}
