import Foundation
import PrefabStorage
import Testing

@testable import Prefab

/// The `storage:` block of a run config: server-side encryption and addressing for `s3://`.
@Suite struct StorageConfigurationTests {
    private static func read(_ yaml: String) throws(ConfigError) -> StorageConfiguration {
        try ConfigDocument(yaml: yaml, file: "run.yaml").decode(StorageConfiguration.self, at: [ConfigKey(stringValue: "storage")])
    }

    @Test func sseAndItsKMSKeyApplyOverTheEnvironmentsSettings() throws {
        let kms = try Self.read("storage:\n  sse: aws:kms\n  sse_kms_key_id: alias/datasets\n")
        var settings = S3Settings(region: "us-east-1")
        kms.apply(to: &settings)
        #expect(settings.encryption == .kms && settings.kmsKeyID == "alias/datasets")
        let aes = try Self.read("storage: {sse: AES256}\n")
        settings = S3Settings(region: "us-east-1")
        aes.apply(to: &settings)
        #expect(settings.encryption == .aes256 && settings.kmsKeyID == nil)
    }

    @Test func theAddressingStyleKeyWinsOverTheEnvironmentAndTheEndpointsDefault() throws {
        let path = try Self.read("storage: {addressing_style: path}\n")
        #expect(path.addressingStyle == .path)
        // The environment says virtual; the config key overrides it.
        var settings = try S3Settings.fromEnvironment([
            "HOME": "/nonexistent", "AWS_ENDPOINT_URL": "http://127.0.0.1:9000", "PREFAB_S3_ADDRESSING_STYLE": "virtual",
        ])
        #expect(settings.addressingStyle == .virtual)
        path.apply(to: &settings)
        #expect(settings.addressingStyle == .path && settings.pathStyle)
        // An endpoint URL means path-style unless told otherwise.
        settings = try S3Settings.fromEnvironment(["HOME": "/nonexistent", "AWS_ENDPOINT_URL": "http://127.0.0.1:9000"])
        try Self.read("storage:\n  addressing_style: virtual\n").apply(to: &settings)
        #expect(settings.addressingStyle == .virtual)
        // Without the key, the block leaves the choice alone.
        try Self.read("storage: {sse: AES256}\n").apply(to: &settings)
        #expect(settings.addressingStyle == .virtual)
    }

    @Test func commandFlagsOverrideTheConfigsBlockAndNameThemselvesInErrors() throws {
        let configured = try Self.read("storage: {sse: aws:kms, sse_kms_key_id: k1, addressing_style: virtual}\n")
        let flags = try StorageConfiguration.parse(sse: "AES256", sseKMSKeyID: nil, addressingStyle: nil).get()
        #expect(configured.overridden(by: flags) == StorageConfiguration(sse: .aes256, addressingStyle: .virtual))
        #expect(configured.overridden(by: StorageConfiguration()) == configured)
        guard case .failure(let problem) = StorageConfiguration.parse(sse: "AES256", sseKMSKeyID: "k", addressingStyle: nil) else {
            Issue.record("a KMS key without aws:kms was accepted")
            return
        }
        #expect(problem.message(flags: true) == "--sse-kms-key-id needs --sse aws:kms")
        guard case .failure(let style) = StorageConfiguration.parse(sse: nil, sseKMSKeyID: nil, addressingStyle: "Path") else {
            Issue.record("a wrong addressing style was accepted")
            return
        }
        #expect(style.message(flags: true).hasPrefix("--s3-addressing-style must be path or virtual"))
    }

    @Test func aWrongValueIsRefusedWithItsLine() {
        for (yaml, words, line) in [
            ("seed: 1\nstorage:\n  sse: aes256\n", "AES256 or aws:kms", 3),
            ("storage:\n  sse: AES256\n  sse_kms_key_id: k\n", "needs sse: aws:kms", 3),
            ("storage:\n  encryption: AES256\n", "unknown key 'encryption'", 2),
            ("storage:\n  sse: AES256\n  addressing_style: dns\n", "path or virtual, got 'dns'", 3),
        ] {
            do {
                _ = try Self.read(yaml)
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect(error.description.contains(words), "\(error)")
                #expect(error.line == line, "\(error)")
            }
        }
    }

    @Test func aRunConfigTakesTheBlock() throws {
        let configuration = try ConfigDocument(yaml: """
            seed: 1
            prompts: {path: prompts.jsonl}
            output: s3://bucket/run
            endpoints: [{name: local, provider: local}]
            pool: {models: [{name: m, endpoint: local}]}
            principles: {mix: {default: {helpfulness: 1}}}
            judges: judges.yaml
            storage: {sse: aws:kms}
            """, file: "run.yaml").decode(RunConfiguration.self)
        #expect(configuration.storage == StorageConfiguration(sse: .kms))
    }
}
