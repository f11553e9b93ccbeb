import Foundation

/// One writer per state file: an exclusive, non-blocking `flock` on `PATH.lock`, held for as long
/// as the returned descriptor is open (closed by the owner, or by the kernel when the process
/// dies, so a killed run never leaves its lock behind). The run journal and a conversion's upload
/// ledger both take theirs here.
enum ExclusiveFileLock {
    enum Failure: Error {
        /// The lock file cannot be opened: `reason` says why.
        case unusable(reason: String)
        /// Another process holds it.
        case busy
    }

    /// Takes the lock beside `path`; returns the descriptor to close when done.
    static func take(beside path: String) throws(Failure) -> Int32 {
        let lock = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw .unusable(reason: "cannot open the lock file: \(String(cString: strerror(errno)))") }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            close(lock)
            throw .busy
        }
        return lock
    }
}
