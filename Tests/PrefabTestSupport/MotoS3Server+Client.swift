import PrefabStorage

extension MotoS3Server {
    /// Prefab's S3 client for this server with its allow-all key (`secret` overrides the secret,
    /// for refusal tests; `endpoint` a proxy in front of it), retrying quickly.
    package func client(endpoint: String? = nil, secret: String? = nil, configure: (inout S3Settings) -> Void = { _ in }) -> S3Client {
        var settings = S3Settings(region: "us-east-1", endpoint: endpoint ?? self.endpoint)
        settings.retryBaseDelay = 0.01
        configure(&settings)
        let credentials = AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret ?? secretAccessKey, source: "test")
        return S3Client(settings: settings, credentials: CredentialChain(fixed: credentials))
    }
}
