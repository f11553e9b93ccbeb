#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Raises the process's open-file soft limit to its hard limit.
///
/// Each HTTP/1.1 connection is a file descriptor and the common soft limit (1,024) is below what
/// a thousand requests in flight need; the hard limit is usually far higher and raising the soft
/// limit up to it needs no privileges.
enum FileDescriptorLimit {
    /// Returns the soft limit in force afterwards.
    @discardableResult
    static func raiseToHardLimit() -> UInt64 {
        var limits = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limits) == 0 else { return 0 }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = limits.rlim_max
            #if canImport(Darwin)
            raised.rlim_cur = min(limits.rlim_max, rlim_t(OPEN_MAX))
            #endif
            if setrlimit(resource, &raised) == 0 {
                return UInt64(raised.rlim_cur)
            }
        }
        return UInt64(limits.rlim_cur)
    }
}
