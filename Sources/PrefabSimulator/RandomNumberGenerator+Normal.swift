import Foundation

extension RandomNumberGenerator {
    /// A standard normal deviate (Box–Muller) from two `nextUnit()` draws, for log-normal
    /// latencies and for embedding directions of texts without words.
    mutating func nextNormal() -> Double {
        let u1 = max(nextUnit(), 0x1.0p-53)
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
