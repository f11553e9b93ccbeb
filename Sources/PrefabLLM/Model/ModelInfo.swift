/// A model a server offers (`/v1/models`).
public struct ModelInfo: Codable, Sendable, Hashable {
    public var id: String
    public var ownedBy: String?

}
