import Foundation

/// A value guarded by a lock, for state that synchronous code must touch: libcurl's thread, task
/// cancellation handlers, and counters read from anywhere. Actors cannot serve those callers
/// because they cannot wait.
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    public init(_ value: Value) {
        self.value = value
    }

    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
