import Foundation
import PrefabLLM
import PrefabShards

/// Finds AWS credentials in the order the AWS CLI and SDKs look, so an existing setup works:
///
/// 1. `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`)
/// 2. the profile (`AWS_PROFILE`, else `default`) in `~/.aws/credentials` and `~/.aws/config`
/// 3. web identity: `AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE` (EKS), through STS
///    `AssumeRoleWithWebIdentity`
/// 4. the container endpoint (ECS, EKS Pod Identity): `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
///    or `AWS_CONTAINER_CREDENTIALS_FULL_URI`
/// 5. the instance metadata service, IMDSv2 (session token first), unless
///    `AWS_EC2_METADATA_DISABLED=true`
///
/// The first source that has credentials wins; a source that is configured but broken (a named
/// profile that does not exist, an unreadable token file) is an error rather than a silent
/// fall-through, so a run never signs with credentials its user did not mean.
package actor CredentialChain {
    private let environment: [String: String]
    private let engine: HTTPEngine
    private var cached: AWSCredentials?

    package init(environment: [String: String] = ProcessInfo.processInfo.environment, engine: HTTPEngine = .shared) {
        self.environment = environment
        self.engine = engine
    }

    /// Fixed credentials (tests, callers that resolved them elsewhere).
    package init(fixed: AWSCredentials) {
        environment = [:]
        engine = .shared
        cached = fixed
    }

    /// Current credentials, fetched again five minutes before temporary ones expire.
    package func credentials() async throws -> AWSCredentials {
        if let cached, !cached.expires(within: 300) { return cached }
        let found = try await resolve()
        cached = found
        return found
    }

    private func value(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    private func resolve() async throws -> AWSCredentials {
        var tried: [String] = []
        if let id = value("AWS_ACCESS_KEY_ID"), let secret = value("AWS_SECRET_ACCESS_KEY") {
            return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN"), source: "environment")
        }
        tried.append("AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")

        let files = try AWSConfigFiles(environment: environment)
        let profile = files.profile
        if let id = profile["aws_access_key_id"], let secret = profile["aws_secret_access_key"] {
            return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: profile["aws_session_token"], source: "profile \(files.profileName)")
        }
        if files.profileNamedExplicitly, files.profiles[files.profileName] == nil {
            throw S3Error.invalidCredentialsSource("AWS_PROFILE names profile '\(files.profileName)', which is in neither the credentials nor the config file")
        }
        tried.append("profile \(files.profileName)")

        let roleARN = value("AWS_ROLE_ARN") ?? profile["role_arn"]
        let tokenFile = value("AWS_WEB_IDENTITY_TOKEN_FILE") ?? profile["web_identity_token_file"]
        if let roleARN, let tokenFile {
            return try await webIdentity(roleARN: roleARN, tokenFile: tokenFile, region: value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") ?? profile["region"])
        }
        tried.append("web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE)")

        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return try await container(url: "http://169.254.170.2" + relative)
        }
        if let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            return try await container(url: full)
        }
        tried.append("container endpoint")

        if value("AWS_EC2_METADATA_DISABLED")?.lowercased() != "true" {
            if let found = try await instanceMetadata() { return found }
            tried.append("instance metadata (IMDSv2)")
        }
        throw S3Error.noCredentials(tried: tried)
    }

    // MARK: Web identity

    private func webIdentity(roleARN: String, tokenFile: String, region: String?) async throws -> AWSCredentials {
        guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
            throw S3Error.invalidCredentialsSource("AWS_WEB_IDENTITY_TOKEN_FILE \(tokenFile) could not be read")
        }
        let endpoint = value("AWS_ENDPOINT_URL_STS")
            ?? region.map { "https://sts.\($0).amazonaws.com" }
            ?? "https://sts.amazonaws.com"
        let session = value("AWS_ROLE_SESSION_NAME") ?? "prefab-\(Int(Date().timeIntervalSince1970))"
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"),
            ("RoleArn", roleARN), ("RoleSessionName", session),
            ("WebIdentityToken", token.trimmingCharacters(in: .whitespacesAndNewlines)),
        ].map { "\($0.0)=\(SigV4Signer.uriEncode($0.1))" }.joined(separator: "&")
        // AssumeRoleWithWebIdentity is not signed: the token is the proof.
        let response = try await engine.send(HTTPRequest(
            method: .post, url: endpoint + "/",
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/xml"],
            body: Data(form.utf8), connectTimeout: 5, timeout: 30))
        let text = Substring(String(decoding: response.body, as: UTF8.self))
        guard response.status == 200,
            let id = S3XML.value("AccessKeyId", in: text), let secret = S3XML.value("SecretAccessKey", in: text)
        else {
            let code = S3XML.value("Code", in: text) ?? "HTTP \(response.status)"
            throw S3Error.invalidCredentialsSource("STS AssumeRoleWithWebIdentity for \(roleARN) failed: \(code)")
        }
        return AWSCredentials(
            accessKeyID: id, secretAccessKey: secret, sessionToken: S3XML.value("SessionToken", in: text),
            expiration: S3XML.value("Expiration", in: text).flatMap(Self.parseDate), source: "web identity \(roleARN)")
    }

    // MARK: Container and instance metadata

    private func container(url: String) async throws -> AWSCredentials {
        var headers: [String: String] = [:]
        if let token = value("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            headers["Authorization"] = token
        } else if let file = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            guard let token = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw S3Error.invalidCredentialsSource("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file) could not be read")
            }
            headers["Authorization"] = token.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let response = try await engine.send(HTTPRequest(url: url, headers: headers, connectTimeout: 2, timeout: 10))
        guard response.status == 200, let found = Self.credentialsJSON(response.body, source: "container endpoint") else {
            throw S3Error.invalidCredentialsSource("the container credentials endpoint answered HTTP \(response.status)")
        }
        return found
    }

    /// IMDSv2; nil when no metadata service answers (not on EC2).
    private func instanceMetadata() async throws -> AWSCredentials? {
        let base = value("AWS_EC2_METADATA_SERVICE_ENDPOINT").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "http://169.254.169.254"
        let tokenResponse: HTTPResponse
        do {
            tokenResponse = try await engine.send(HTTPRequest(
                method: .put, url: base + "/latest/api/token",
                headers: ["X-aws-ec2-metadata-token-ttl-seconds": "21600"], body: Data(), connectTimeout: 1, timeout: 2))
        } catch is TransportError {
            return nil
        }
        guard tokenResponse.status == 200 else { return nil }
        let token = String(decoding: tokenResponse.body, as: UTF8.self)
        let headers = ["X-aws-ec2-metadata-token": token]
        let roles = try await engine.send(HTTPRequest(url: base + "/latest/meta-data/iam/security-credentials/", headers: headers, connectTimeout: 1, timeout: 5))
        guard roles.status == 200, let role = String(decoding: roles.body, as: UTF8.self).split(separator: "\n").first else { return nil }
        let response = try await engine.send(HTTPRequest(url: base + "/latest/meta-data/iam/security-credentials/\(role)", headers: headers, connectTimeout: 1, timeout: 5))
        guard response.status == 200 else { return nil }
        return Self.credentialsJSON(response.body, source: "instance metadata role \(role)")
    }

    /// `{AccessKeyId, SecretAccessKey, Token, Expiration}`, as the container and instance
    /// endpoints answer.
    static func credentialsJSON(_ body: Data, source: String) -> AWSCredentials? {
        guard let object = try? JSONObject(parsing: body),
            let id = object["AccessKeyId"]?.stringValue, let secret = object["SecretAccessKey"]?.stringValue
        else { return nil }
        return AWSCredentials(
            accessKeyID: id, secretAccessKey: secret, sessionToken: object["Token"]?.stringValue,
            expiration: object["Expiration"]?.stringValue.flatMap(parseDate), source: source)
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
