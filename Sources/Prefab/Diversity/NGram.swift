/// An n-gram of token ids (n from 1 to 5) stored inline, so hashing millions of them costs no
/// allocation. Two n-grams of different length are never equal.
struct NGram: Hashable, Sendable {
    static let maximumLength = 5

    private let length: Int8
    private let a: Int32, b: Int32, c: Int32, d: Int32, e: Int32

    init(_ ids: Slice<UnsafeBufferPointer<Int32>>) {
        precondition(ids.count >= 1 && ids.count <= NGram.maximumLength, "n-grams hold 1 to 5 tokens")
        var slots: (Int32, Int32, Int32, Int32, Int32) = (-1, -1, -1, -1, -1)
        var index = ids.startIndex
        slots.0 = ids[index]
        index += 1
        if index < ids.endIndex { slots.1 = ids[index]; index += 1 }
        if index < ids.endIndex { slots.2 = ids[index]; index += 1 }
        if index < ids.endIndex { slots.3 = ids[index]; index += 1 }
        if index < ids.endIndex { slots.4 = ids[index] }
        length = Int8(ids.count)
        (a, b, c, d, e) = slots
    }
}
