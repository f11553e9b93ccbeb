import Foundation
import PrefabTestSupport
import Testing

@testable import PrefabStorage

/// Every credential source against real servers: temporary credentials from moto's STS, handed
/// out by the endpoints a cloud machine asks (`scripts/aws_credentials_server.py`: STS
/// `AssumeRoleWithWebIdentity`, the ECS container endpoint, IMDSv2), then used against moto's
/// S3 with authentication on, session token and all.
@Suite(.enabled(if: MotoS3Server.isAvailable, "moto's S3 server is not available: \(MotoS3Server.unavailableReason ?? "")"))
struct CredentialSourcesTests {
    private let server = MotoS3Server.shared!

    /// No environment keys, no profile files, no metadata service: each test adds one source.
    private static let nothing = [
        "HOME": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
        "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "us-east-1",
    ]

    /// Writes, lists and reads back an object with what the chain finds in `environment`;
    /// returns those credentials.
    private func roundTrip(_ environment: [String: String]) async throws -> AWSCredentials {
        let chain = CredentialChain(environment: environment)
        var settings = S3Settings(region: "us-east-1", endpoint: server.endpoint)
        settings.retryBaseDelay = 0.01
        let s3 = S3Client(settings: settings, credentials: chain)
        let bucket = MotoS3Server.bucketName("credentials")
        try await s3.createBucket(bucket)
        try await s3.putObject(bucket: bucket, key: "hello.txt", body: Data("hello".utf8))
        #expect(try await s3.getObject(bucket: bucket, key: "hello.txt") == Data("hello".utf8))
        return try await chain.credentials()
    }

    private func tokenFile(_ scratch: ScratchDirectory, _ text: String) throws -> String {
        let path = scratch.sub("web-identity-token")
        try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func webIdentityIsExchangedThroughSTSForTemporaryCredentialsThatS3Accepts() async throws {
        let temporary = try server.temporaryCredentials()
        let endpoints = try AWSCredentialsServer(serving: temporary, python: server.python)
        defer { endpoints.stop() }
        let scratch = ScratchDirectory("web-identity")
        defer { scratch.remove() }
        var environment = Self.nothing
        environment["AWS_ROLE_ARN"] = temporary.roleARN
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = try tokenFile(scratch, endpoints.webIdentityToken)
        environment["AWS_ENDPOINT_URL_STS"] = endpoints.endpoint
        let found = try await roundTrip(environment)
        #expect(found.accessKeyID == temporary.accessKeyID && found.sessionToken == temporary.sessionToken)
        #expect(found.expiration != nil && found.source.hasPrefix("web identity"))

        // A token STS does not accept is an error naming the role, not a fall-through to
        // another source, and never shows the token.
        let wrongToken = "eyJ.not-the-token"
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = try tokenFile(scratch, wrongToken)
        do {
            _ = try await CredentialChain(environment: environment).credentials()
            Issue.record("a web identity token STS refuses was accepted")
        } catch {
            #expect("\(error)".contains("AccessDenied") && "\(error)".contains(temporary.roleARN))
            #expect(!"\(error)".contains(wrongToken))
        }
    }

    @Test func theContainerEndpointIsAskedWithItsAuthorizationToken() async throws {
        let temporary = try server.temporaryCredentials()
        let endpoints = try AWSCredentialsServer(serving: temporary, python: server.python)
        defer { endpoints.stop() }
        let scratch = ScratchDirectory("container-credentials")
        defer { scratch.remove() }
        var environment = Self.nothing
        environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = endpoints.endpoint + "/container/credentials"
        environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = endpoints.containerAuthorization
        let found = try await roundTrip(environment)
        #expect(found.accessKeyID == temporary.accessKeyID && found.sessionToken == temporary.sessionToken)
        #expect(found.source == "container endpoint" && found.expiration != nil)

        // EKS Pod Identity hands the token over in a file.
        environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = nil
        let file = scratch.sub("authorization-token")
        try endpoints.containerAuthorization.write(toFile: file, atomically: true, encoding: .utf8)
        environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = file
        #expect(try await CredentialChain(environment: environment).credentials().accessKeyID == temporary.accessKeyID)

        environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = nil
        environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "wrong"
        await #expect(throws: S3Error.self) { try await CredentialChain(environment: environment).credentials() }
    }

    @Test func theInstanceMetadataServiceIsAskedForASessionTokenFirst() async throws {
        let temporary = try server.temporaryCredentials()
        let endpoints = try AWSCredentialsServer(serving: temporary, python: server.python)
        defer { endpoints.stop() }
        var environment = Self.nothing
        environment["AWS_EC2_METADATA_DISABLED"] = nil
        // The server refuses the role and credential reads without the IMDSv2 session token.
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = endpoints.endpoint
        let found = try await roundTrip(environment)
        #expect(found.accessKeyID == temporary.accessKeyID && found.sessionToken == temporary.sessionToken)
        #expect(found.source == "instance metadata role prefab-test-role" && found.expiration != nil)
    }

    @Test func sourcesAreTriedInTheStandardOrder() async throws {
        let temporary = try server.temporaryCredentials()
        let endpoints = try AWSCredentialsServer(serving: temporary, python: server.python)
        defer { endpoints.stop() }
        let scratch = ScratchDirectory("credential-order")
        defer { scratch.remove() }
        let credentialsFile = scratch.sub("credentials")
        try "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n"
            .write(toFile: credentialsFile, atomically: true, encoding: .utf8)
        var environment = Self.nothing
        environment["AWS_EC2_METADATA_DISABLED"] = nil
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = endpoints.endpoint
        environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = endpoints.endpoint + "/container/credentials"
        environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = endpoints.containerAuthorization
        environment["AWS_ROLE_ARN"] = temporary.roleARN
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = try tokenFile(scratch, endpoints.webIdentityToken)
        environment["AWS_ENDPOINT_URL_STS"] = endpoints.endpoint
        environment["AWS_SHARED_CREDENTIALS_FILE"] = credentialsFile
        environment["AWS_ACCESS_KEY_ID"] = "AKIDENVIRONMENT"
        environment["AWS_SECRET_ACCESS_KEY"] = "environment-secret"

        func source() async throws -> String { try await CredentialChain(environment: environment).credentials().source }
        #expect(try await source() == "environment")
        environment["AWS_ACCESS_KEY_ID"] = nil
        #expect(try await source() == "profile default")
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials"
        #expect(try await source().hasPrefix("web identity"))
        environment["AWS_ROLE_ARN"] = nil
        #expect(try await source() == "container endpoint")
        environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = nil
        #expect(try await source().hasPrefix("instance metadata"))
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        await #expect(throws: S3Error.self) { try await source() }
    }
}
