import Foundation

/// Who may use the review server. On loopback, anyone on this machine (as with any local
/// tool), unless a token is given. On any other interface a token is required: the labels and
/// the run's prompts would otherwise be open to the network, so a random one is made when none
/// is given, and it goes in the URL printed at start.
///
/// A request carries it as `?token=T` (the printed URL), as `Authorization: Bearer T`, or in
/// the `prefab_review_token` cookie the server sets on the first request that had it, so the
/// page's script and stylesheet load without it in their URLs.
package struct ReviewAccess: Sendable, Hashable {
    package let token: String?

    package static let cookieName = "prefab_review_token"

    /// - Parameters:
    ///   - host: the interface to bind.
    ///   - token: the token given, if any.
    package init(host: String, token: String?) {
        if let token, !token.isEmpty {
            self.token = token
        } else {
            self.token = Self.isLoopback(host) ? nil : Self.randomToken()
        }
    }

    package static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }

    /// 32 random bytes as hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Whether `presented` is the token, compared in time that does not depend on where the
    /// first difference is.
    package func admits(_ presented: String?) -> Bool {
        guard let token else { return true }
        guard let presented else { return false }
        let a = Array(token.utf8)
        let b = Array(presented.utf8)
        var difference = a.count ^ b.count
        for index in 0..<a.count { difference |= Int(a[index] ^ (index < b.count ? b[index] : 0)) }
        return difference == 0
    }
}
