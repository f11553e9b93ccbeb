import Foundation
import Testing

@testable import PrefabStorage

@Suite struct S3LocationTests {
    @Test func parsesBucketAndKey() throws {
        let location = try S3Location(parsing: "s3://my-bucket/runs/run-1/")
        #expect(location.bucket == "my-bucket")
        #expect(location.key == "runs/run-1/")
        #expect(location.appending("index.json").key == "runs/run-1/index.json")
        #expect(try S3Location(parsing: "s3://my-bucket").asPrefix.key == "")
    }

    @Test func refusesALocationWithoutABucket() {
        #expect(throws: S3Error.self) { try S3Location(parsing: "s3:///key") }
        #expect(throws: S3Error.self) { try S3Location(parsing: "s3://Bad_Bucket!/key") }
    }

    @Test func pathStyleIsTheDefaultWithAnEndpointURL() throws {
        let settings = try S3Settings.fromEnvironment(["AWS_ENDPOINT_URL": "http://127.0.0.1:9000", "AWS_REGION": "eu-west-1", "HOME": "/nonexistent"])
        #expect(settings.pathStyle)
        #expect(settings.region == "eu-west-1")
        let address = settings.address(bucket: "b", key: "a b/c", region: "eu-west-1")
        #expect(address.url == "http://127.0.0.1:9000/b/a%20b/c")
        #expect(address.host == "127.0.0.1:9000")
        let aws = try S3Settings.fromEnvironment(["HOME": "/nonexistent"])
        #expect(aws.address(bucket: "b", key: "k", region: "us-east-1").url == "https://b.s3.us-east-1.amazonaws.com/k")
    }

    @Test func theAddressingStyleComesFromTheEnvironmentThenTheProfileThenTheEndpoint() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-aws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // As the AWS CLI writes it: a nested `s3` block under the profile.
        try "[default]\nregion = eu-west-1\ns3 =\n    addressing_style = virtual\nendpoint_url = http://127.0.0.1:9000\n"
            .write(to: directory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let base = ["HOME": "/nonexistent", "AWS_CONFIG_FILE": directory.appendingPathComponent("config").path]
        let fromProfile = try S3Settings.fromEnvironment(base)
        #expect(fromProfile.addressingStyle == .virtual && fromProfile.region == "eu-west-1")
        #expect(fromProfile.address(bucket: "b", key: "k", region: "eu-west-1").url == "http://b.127.0.0.1:9000/k")
        var environment = base
        environment["PREFAB_S3_ADDRESSING_STYLE"] = "path"
        let fromEnvironment = try S3Settings.fromEnvironment(environment)
        #expect(fromEnvironment.address(bucket: "b", key: "k", region: "eu-west-1").url == "http://127.0.0.1:9000/b/k")
        environment["PREFAB_S3_ADDRESSING_STYLE"] = "auto"
        #expect(try S3Settings.fromEnvironment(environment).addressingStyle == .path, "auto: path-style with an endpoint URL")
        environment["PREFAB_S3_ADDRESSING_STYLE"] = "sideways"
        #expect(throws: S3Error.self) { try S3Settings.fromEnvironment(environment) }
        // On AWS (no endpoint), path-style names the bucket in the regional endpoint's path.
        var onAWS = try S3Settings.fromEnvironment(["HOME": "/nonexistent", "PREFAB_S3_ADDRESSING_STYLE": "path"])
        #expect(onAWS.address(bucket: "b", key: "k", region: "us-east-1").url == "https://s3.us-east-1.amazonaws.com/b/k")
        onAWS.addressingStyle = .virtual
        #expect(onAWS.address(bucket: "b", key: "k", region: "us-east-1").url == "https://b.s3.us-east-1.amazonaws.com/k")
    }

    @Test func theProfileFilesAreReadInTheStandardOrder() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-aws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n\n[work]\naws_access_key_id=AKIDWORK\naws_secret_access_key=s2\naws_session_token = tok\n"
            .write(to: directory.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        try "[profile work]\nregion = ap-south-1\n".write(to: directory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let base = [
            "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_SHARED_CREDENTIALS_FILE": directory.appendingPathComponent("credentials").path,
            "AWS_CONFIG_FILE": directory.appendingPathComponent("config").path,
        ]
        #expect(try await CredentialChain(environment: base).credentials().accessKeyID == "AKIDDEFAULT")
        var work = base
        work["AWS_PROFILE"] = "work"
        let fromProfile = try await CredentialChain(environment: work).credentials()
        #expect(fromProfile.accessKeyID == "AKIDWORK" && fromProfile.sessionToken == "tok")
        #expect(try S3Settings.fromEnvironment(work).region == "ap-south-1")
        var environment = work
        environment["AWS_ACCESS_KEY_ID"] = "AKIDENV"
        environment["AWS_SECRET_ACCESS_KEY"] = "s3"
        #expect(try await CredentialChain(environment: environment).credentials().accessKeyID == "AKIDENV")
        var missing = base
        missing["AWS_PROFILE"] = "nope"
        await #expect(throws: S3Error.self) { try await CredentialChain(environment: missing).credentials() }
        var none = base
        none["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials"
        await #expect(throws: S3Error.self) { try await CredentialChain(environment: none).credentials() }
    }
}
