/// What XXH32, XXH64 and XXH3-64 have in common, in one place: they are one design (four
/// lanes of rounds over fixed-size stripes, a tail, a final avalanche) at different widths.
/// Everything here is `@inline(__always)` and generic only over the word width, so each
/// hasher gets code specialised for its own width, as fast as when it was written out.
enum XXHash {
    /// The four lanes' starting values for `seed`.
    @inline(__always)
    static func initialLanes<Word: FixedWidthInteger>(seed: Word, prime1: Word, prime2: Word) -> (Word, Word, Word, Word) {
        (seed &+ prime1 &+ prime2, seed &+ prime2, seed, seed &- prime1)
    }

    /// The four lanes folded into one word (inputs of at least one stripe).
    @inline(__always)
    static func converge<Word: FixedWidthInteger>(_ acc1: Word, _ acc2: Word, _ acc3: Word, _ acc4: Word) -> Word {
        acc1.rotatedLeft(1) &+ acc2.rotatedLeft(7) &+ acc3.rotatedLeft(12) &+ acc4.rotatedLeft(18)
    }

    /// The final avalanche: xor-shift, multiply, xor-shift, multiply, xor-shift (the shifts
    /// and primes are the width's).
    @inline(__always)
    static func avalanche<Word: FixedWidthInteger>(
        _ value: Word, _ shift1: Int, _ prime1: Word, _ shift2: Int, _ prime2: Word, _ shift3: Int
    ) -> Word {
        var x = value
        x ^= x >> shift1
        x &*= prime1
        x ^= x >> shift2
        x &*= prime2
        x ^= x >> shift3
        return x
    }

    /// Hands `bytes` to a hasher's raw-buffer update: contiguous storage as it is, anything
    /// else through one copy.
    @inline(__always)
    static func withContiguousBytes(_ bytes: some Sequence<UInt8>, _ body: (UnsafeRawBufferPointer) -> Void) {
        if bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) != nil { return }
        let array = Array(bytes)
        array.withUnsafeBytes { body($0) }
    }
}

/// The partial stripe a streaming XXH32/XXH64 hasher carries between updates. `Storage` is
/// a tuple exactly one stripe long, held inline (no allocation).
struct PendingStripe<Storage: BitwiseCopyable>: Sendable where Storage: Sendable {
    /// The stripe's bytes; only the first `count` are meaningful.
    var bytes: Storage
    /// 0 up to one less than a stripe.
    private(set) var count = 0

    init(_ zero: Storage) { bytes = zero }

    static var stripeSize: Int { MemoryLayout<Storage>.size }

    /// Moves input into a started stripe, advancing `pointer` and `remaining`. Returns true
    /// when that made the stripe whole: the caller consumes `bytes`, and the stripe is empty again.
    @inline(__always)
    mutating func fill(_ pointer: inout UnsafeRawPointer, _ remaining: inout Int) -> Bool {
        guard count > 0 else { return false }
        let take = min(Self.stripeSize - count, remaining)
        let offset = count
        let source = pointer
        withUnsafeMutableBytes(of: &bytes) { $0.baseAddress!.advanced(by: offset).copyMemory(from: source, byteCount: take) }
        count += take
        pointer += take
        remaining -= take
        guard count == Self.stripeSize else { return false }
        count = 0
        return true
    }

    /// Keeps the input's last `remaining` bytes (less than a stripe) for the next update.
    @inline(__always)
    mutating func keep(_ pointer: UnsafeRawPointer, _ remaining: Int) {
        guard remaining > 0 else { return }
        withUnsafeMutableBytes(of: &bytes) { $0.baseAddress!.copyMemory(from: pointer, byteCount: remaining) }
        count = remaining
    }
}

extension FixedWidthInteger {
    @inline(__always)
    func rotatedLeft(_ count: Int) -> Self {
        (self << count) | (self >> (Self.bitWidth - count))
    }
}
