import Foundation
import PrefabSimulator

/// An in-process simulator for a test, and an outside HTTP client to talk to it: the simulator's
/// own suites, the CLI suites and the client suites share them.
public enum SimulatorHarness {
    /// Runs `body` against a fresh simulator on a free port and stops it afterwards.
    public static func run<T>(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(),
        _ body: (SimulatorServer) async throws -> T
    ) async throws -> T {
        var configuration = configuration
        if configuration.threads == 0 { configuration.threads = 2 }
        let server = SimulatorServer(configuration: configuration)
        try await server.start()
        do {
            let result = try await body(server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    /// One exchange made with `/usr/bin/curl`, an HTTP client independent of both the simulator
    /// and Prefab's own client: its exit code tells faults apart (28 timeout, 18 partial body,
    /// 52 empty reply, 56 reset).
    public struct Exchange: Sendable {
        public var exitCode: Int32
        public var status: Int
        /// Response header names lowercased.
        public var headers: [String: String]
        /// Every response head curl saw, interim (100 Continue) ones included.
        public var rawHeaders: String
        public var body: Data

        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The body parsed with Foundation (an outside check of the simulator's own JSON writer).
        public func json() throws -> [String: Any] {
            let value = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
            guard let object = value as? [String: Any] else { throw NotAnObject(text: text) }
            return object
        }

        public struct NotAnObject: Error, CustomStringConvertible {
            public let text: String
            public var description: String { "body is not a JSON object: \(text)" }
        }
    }

    public static func curl(
        _ url: String,
        method: String? = nil,
        json: String? = nil,
        headers: [String: String] = [:],
        timeout: Double = 20
    ) async throws -> Exchange {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-sim-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let headerFile = directory.appendingPathComponent("headers").path
        let bodyFile = directory.appendingPathComponent("body").path
        var arguments = ["-s", "-o", bodyFile, "-D", headerFile, "-m", String(timeout), "-w", "%{http_code}"]
        if let method { arguments += ["-X", method] }
        if let json {
            let requestFile = directory.appendingPathComponent("request.json")
            try Data(json.utf8).write(to: requestFile)
            arguments += ["-H", "content-type: application/json", "--data-binary", "@\(requestFile.path)"]
        }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            arguments += ["-H", "\(name): \(value)"]
        }
        arguments.append(url)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        let exitCode: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let statusText = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        var responseHeaders: [String: String] = [:]
        let raw = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        do {
            for line in raw.split(whereSeparator: \.isNewline) {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].lowercased()
                responseHeaders[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        let body = (try? Data(contentsOf: URL(fileURLWithPath: bodyFile))) ?? Data()
        return Exchange(exitCode: exitCode, status: Int(statusText) ?? 0, headers: responseHeaders, rawHeaders: raw, body: body)
    }

    /// A chat completion request body with one user message and extra top-level fields.
    public static func chatBody(_ prompt: String, model: String = "sim-model", _ extra: String = "") -> String {
        let escaped = prompt.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return #"{"model":"\#(model)","messages":[{"role":"user","content":"\#(escaped)"}]\#(extra.isEmpty ? "" : ",")\#(extra)}"#
    }

    /// The pieces of a chat completion, out of Foundation's untyped JSON.
    public struct ChatView {
        public var raw: [String: Any]

        public init(_ exchange: Exchange) throws {
            raw = try exchange.json()
        }

        public var choices: [[String: Any]] { raw["choices"] as? [[String: Any]] ?? [] }

        public func content(_ index: Int = 0) -> String? {
            (choice(index)?["message"] as? [String: Any])?["content"] as? String
        }

        public func finishReason(_ index: Int = 0) -> String? {
            choice(index)?["finish_reason"] as? String
        }

        public var usage: [String: Int] { raw["usage"] as? [String: Int] ?? [:] }

        private func choice(_ index: Int) -> [String: Any]? {
            choices.indices.contains(index) ? choices[index] : nil
        }
    }
}
