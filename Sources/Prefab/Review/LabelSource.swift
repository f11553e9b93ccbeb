/// Who decided a record's chosen and rejected answers: the judges' scores, or a person in
/// `prefab review`. Written into rated records and h4 rows as `label_source`, so a dataset says
/// which of its labels people checked.
public enum LabelSource: String, Codable, Hashable, Sendable {
    case judges
    case human
}
