import Foundation

/// An access key pair, with the session token and expiry that temporary credentials carry.
///
/// `description` never shows the secret or the token: a credential value printed by mistake (a
/// log line, an error's interpolation) shows only the key id and where the credentials came from.
package struct AWSCredentials: Sendable, Equatable, CustomStringConvertible {
    package var accessKeyID: String
    package var secretAccessKey: String
    package var sessionToken: String?
    /// When temporary credentials stop working; nil for long-lived keys.
    package var expiration: Date?
    /// Where they came from ("environment", "profile default", "web identity", ...), for messages.
    package var source: String

    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil, source: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }

    /// Whether temporary credentials expire within `margin` seconds and should be fetched again.
    package func expires(within margin: TimeInterval, now: Date = Date()) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSince(now) < margin
    }

    package var description: String {
        "access key \(accessKeyID) from \(source)"
    }
}
