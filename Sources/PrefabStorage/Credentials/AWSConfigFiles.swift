import Foundation

/// `~/.aws/credentials` and `~/.aws/config` (or `AWS_SHARED_CREDENTIALS_FILE` / `AWS_CONFIG_FILE`),
/// read as the AWS CLI reads them: INI sections, `[name]` in the credentials file and
/// `[profile name]` (or `[default]`) in the config file, `key = value` lines, `#`/`;` comments.
/// A key with no value opens a nested block whose indented lines follow it, as the CLI writes
/// service settings (`s3 =` then `  addressing_style = path`): those are read as `s3_addressing_style`.
package struct AWSConfigFiles: Sendable {
    /// Settings per profile, credentials-file values over config-file values.
    package var profiles: [String: [String: String]]
    /// The profile in use: `AWS_PROFILE`, else `default`.
    package var profileName: String
    /// Whether the profile was asked for by name (then a missing profile is an error).
    package var profileNamedExplicitly: Bool

    package init(environment: [String: String]) throws(S3Error) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home + "/.aws/credentials"
        let configPath = environment["AWS_CONFIG_FILE"] ?? home + "/.aws/config"
        var profiles: [String: [String: String]] = [:]
        for (name, values) in try Self.parse(path: configPath, configStyle: true) {
            profiles[name, default: [:]].merge(values) { _, new in new }
        }
        for (name, values) in try Self.parse(path: credentialsPath, configStyle: false) {
            profiles[name, default: [:]].merge(values) { _, new in new }
        }
        self.profiles = profiles
        if let named = environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"], !named.isEmpty {
            profileName = named
            profileNamedExplicitly = true
        } else {
            profileName = "default"
            profileNamedExplicitly = false
        }
    }

    /// The settings of the profile in use (empty when there is none).
    package var profile: [String: String] { profiles[profileName] ?? [:] }

    static func parse(path: String, configStyle: Bool) throws(S3Error) -> [String: [String: String]] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .invalidCredentialsSource("\(path) could not be read as UTF-8 text")
        }
        var result: [String: [String: String]] = [:]
        var section: String?
        var nested: String?
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw .invalidCredentialsSource("\(path) line \(number + 1): a section header must end with ']'")
                }
                var name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                if configStyle, name.hasPrefix("profile ") {
                    name = name.dropFirst("profile ".count).trimmingCharacters(in: .whitespaces)
                }
                section = name
                nested = nil
                continue
            }
            guard let section, let equals = line.firstIndex(of: "=") else { continue }
            var key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            let indented = rawLine.first == " " || rawLine.first == "\t"
            if indented, let nested {
                key = nested + "_" + key
            } else {
                nested = value.isEmpty ? key : nil
            }
            result[section, default: [:]][key] = value
        }
        return result
    }
}
