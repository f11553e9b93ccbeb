import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the progress display needs to know about where it writes: whether cursor movement will
/// be understood there, and how wide a line may be before the terminal wraps it (a wrapped line
/// would break the in-place redraw, which counts lines).
package enum ProgressTerminal {
    /// Width used when the output is not a terminal or does not report one.
    package static let defaultWidth = 80

    /// True when `fd` is a terminal that understands ANSI escapes: a tty whose `TERM` is set and
    /// not "dumb" (Emacs shells and some CI consoles are ttys that would print escapes as text).
    package static func isTerminal(_ fd: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard isatty(fd) == 1 else { return false }
        guard let term = environment["TERM"], !term.isEmpty, term != "dumb" else { return false }
        return true
    }

    /// The terminal's width in columns (`TIOCGWINSZ`), or nil when `fd` is not a terminal or
    /// reports no size (a pty nobody sized reports 0).
    package static func width(of fd: Int32) -> Int? {
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        var size = winsize()
        #if canImport(Darwin)
        let request: UInt = 0x4008_7468  // TIOCGWINSZ: _IOR('t', 104, struct winsize)
        #else
        let request = UInt(TIOCGWINSZ)
        #endif
        guard ioctl(fd, request, &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
        #else
        return nil
        #endif
    }
}
