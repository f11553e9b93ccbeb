/// Carries a byte buffer to a block on another queue so that the block ends up its only owner.
///
/// An array captured by a closure stays shared with the closure's context until the closure is
/// released, so a block that empties it for reuse (`removeAll(keepingCapacity: true)`) gets a
/// fresh allocation of the same capacity instead, for every frame or chunk: churn in large
/// allocations that fragments the heap over a long run. Taking the buffer out of a box leaves
/// no other reference.
final class BufferHandoff: @unchecked Sendable {
    private var bytes: [UInt8]

    init(_ bytes: consuming [UInt8]) {
        self.bytes = bytes
    }

    /// The buffer, leaving the box empty. Called once, by the receiving block.
    func take() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &bytes)
        return taken
    }
}
