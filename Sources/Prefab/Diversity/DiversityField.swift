/// Which text of each record the diversity metrics measure.
public enum DiversityField: String, CaseIterable, Codable, Sendable {
    /// The prompt: `prompt` (a string), else `instruction` (UltraFeedback records), else the
    /// content of the last `user` message in `messages`. One document per record.
    case prompt
    /// Every completion's answer in a samples or rated record: `completions[].response`.
    /// One document per completion.
    case response
    /// The chosen answer of a pair record: `chosen` as a string, or the content of the last
    /// `assistant` message when `chosen` is a message list. One document per record.
    case chosen
}
