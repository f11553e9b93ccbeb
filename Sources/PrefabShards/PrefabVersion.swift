/// The tool version written into every manifest, so a dataset says which Prefab made it.
public enum PrefabVersion {
    public static let string = "0.1.0"
}
