/// How KTO rows get their labels.
public enum KTOLabeling: Hashable, Sendable {
    /// From the pairs: the chosen side is desirable, the rejected side undesirable (TRL's own
    /// conversion from paired to unpaired data).
    case fromPairs
    /// Every scored completion: desirable at or above `desirable`, undesirable at or below
    /// `undesirable`; those in between are left out (and counted).
    case thresholds(desirable: Double, undesirable: Double)
}
