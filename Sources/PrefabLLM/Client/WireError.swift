/// A response body that parsed as JSON but does not say what the API promises.
struct WireError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
