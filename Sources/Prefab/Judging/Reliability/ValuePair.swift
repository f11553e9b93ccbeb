/// Two ratings of the same thing, as a dictionary key for the agreement tables.
struct ValuePair: Hashable, Sendable {
    var first: Double
    var second: Double

    init(_ first: Double, _ second: Double) {
        self.first = first
        self.second = second
    }
}
