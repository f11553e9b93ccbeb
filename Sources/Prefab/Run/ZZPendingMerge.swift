import Foundation
// TEMPORARY: replaced by the diversity2 and progress branches at merge.
public struct RunDiversityConfiguration: Codable, Hashable, Sendable {
    public func check(endpoints: [EndpointConfiguration]) -> (path: [ConfigKey], message: String)? { nil }
}
