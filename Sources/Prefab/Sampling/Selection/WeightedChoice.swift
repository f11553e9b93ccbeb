import Foundation

/// Seeded weighted draws: one item by weight, and k items by weight without replacement.
package enum WeightedChoice {
    /// One item with probability proportional to its weight (weights > 0, in a fixed order).
    package static func pick<T>(_ items: [(T, Double)], using generator: inout SeededGenerator) -> T {
        precondition(!items.isEmpty)
        let total = items.reduce(0) { $0 + $1.1 }
        let target = generator.nextUnit() * total
        var cumulative = 0.0
        for (item, weight) in items {
            cumulative += weight
            if target < cumulative { return item }
        }
        return items[items.count - 1].0
    }

    /// The Efraimidis–Spirakis key of an item of weight `weight`, from a uniform draw: the k
    /// items with the largest keys are a weighted sample without replacement (the same
    /// distribution as drawing one at a time by weight, removing each winner). Kept as
    /// `log(u) / w`, which orders like `u^(1/w)` without underflow for small weights.
    package static func key(weight: Double, using generator: inout SeededGenerator) -> Double {
        let u = 1 - generator.nextUnit()  // (0, 1]
        return log(u) / weight
    }
}
