import Foundation
import PrefabStorage
import Testing

@testable import Prefab

/// The `storage:` block of a run config: server-side encryption for an `s3://` output.
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

    @Test func aWrongValueIsRefusedWithItsLine() {
        for (yaml, words, line) in [
            ("seed: 1\nstorage:\n  sse: aes256\n", "AES256 or aws:kms", 3),
            ("storage:\n  sse: AES256\n  sse_kms_key_id: k\n", "needs sse: aws:kms", 3),
            ("storage:\n  encryption: AES256\n", "unknown key 'encryption'", 2),
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
        #expect(configuration.storage == StorageConfiguration(sse: "aws:kms"))
    }
}
