import Foundation

/// Temporary credentials from moto's STS (`AssumeRole` on a role allowed everything), signed
/// with the shared server's IAM user: an access key id (`ASIA…`), a secret, a session token
/// and an expiry that moto's S3 accepts with authentication on, as real temporary credentials.
public struct TemporaryCredentials: Sendable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String
    public var expiration: String
    public var roleARN: String
}

extension MotoS3Server {
    /// Creates a role allowed everything and assumes it (see `TemporaryCredentials`).
    public func temporaryCredentials() throws -> TemporaryCredentials {
        let role = "prefab-\(UUID().uuidString.prefix(8).lowercased())"
        let output = try boto3("""
            import json
            kw = dict(endpoint_url='\(endpoint)', region_name='us-east-1', aws_access_key_id='\(accessKeyID)', aws_secret_access_key='\(secretAccessKey)')
            iam = boto3.client('iam', **kw)
            trust = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': '*'}, 'Action': ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity']}]}
            arn = iam.create_role(RoleName='\(role)', AssumeRolePolicyDocument=json.dumps(trust))['Role']['Arn']
            allow = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}
            iam.put_role_policy(RoleName='\(role)', PolicyName='all', PolicyDocument=json.dumps(allow))
            c = boto3.client('sts', **kw).assume_role(RoleArn=arn, RoleSessionName='prefab-test')['Credentials']
            print(json.dumps([c['AccessKeyId'], c['SecretAccessKey'], c['SessionToken'], c['Expiration'].strftime('%Y-%m-%dT%H:%M:%SZ'), arn]))
            """)
        guard let fields = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String], fields.count == 5 else {
            throw CredentialsServerFailure(description: "moto's STS answered unexpectedly: \(output.prefix(300))")
        }
        return TemporaryCredentials(accessKeyID: fields[0], secretAccessKey: fields[1], sessionToken: fields[2], expiration: fields[3], roleARN: fields[4])
    }
}

struct CredentialsServerFailure: Error, CustomStringConvertible {
    var description: String
}

/// `scripts/aws_credentials_server.py`: the endpoints a cloud machine gets credentials from
/// (STS `AssumeRoleWithWebIdentity`, the ECS container endpoint, IMDSv2), answering with the
/// credentials given. Each checks what the real one checks (the role and the web identity
/// token, the container authorization token, the IMDSv2 session token), so a client that skips
/// a step is refused. Stop it with `stop()`.
public final class AWSCredentialsServer: Sendable {
    public let endpoint: String
    /// What `AWS_WEB_IDENTITY_TOKEN_FILE` must hold for STS to answer.
    public let webIdentityToken: String
    /// What the container endpoint wants in `Authorization`.
    public let containerAuthorization: String
    private let process: Process

    public init(serving credentials: TemporaryCredentials, python: String) throws {
        var port = Int.random(in: 20000..<60000)
        while MotoS3Server.canConnect(port: port) { port = Int.random(in: 20000..<60000) }
        webIdentityToken = "eyJ.test-web-identity.\(UUID().uuidString)"
        containerAuthorization = "container-\(UUID().uuidString)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            BuiltProduct.repositoryRoot + "/scripts/aws_credentials_server.py", String(port),
            "--key", credentials.accessKeyID, "--secret", credentials.secretAccessKey,
            "--session-token", credentials.sessionToken, "--expiration", credentials.expiration,
            "--role-arn", credentials.roleARN, "--web-token", webIdentityToken,
            "--container-auth", containerAuthorization,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !MotoS3Server.canConnect(port: port) {
            guard Date() < deadline, process.isRunning else {
                kill(process.processIdentifier, SIGKILL)
                throw CredentialsServerFailure(description: "aws_credentials_server.py did not open port \(port)")
            }
            usleep(50_000)
        }
        self.process = process
        endpoint = "http://127.0.0.1:\(port)"
    }

    /// Stops the server (SIGKILL, not waited for: see `S3FaultProxy.stop`).
    public func stop() {
        kill(process.processIdentifier, SIGKILL)
    }
}
