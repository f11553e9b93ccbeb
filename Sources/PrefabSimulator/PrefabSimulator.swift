import NIOCore

/// Placeholder until the simulator lands.
public enum SimulatorInfo {
    public static let name = "prefab-sim"
}
