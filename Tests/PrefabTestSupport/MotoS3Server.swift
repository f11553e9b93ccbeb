import Foundation
import Synchronization

/// moto's standalone S3 server, started once per test process with request authentication on,
/// and an access key that may do everything.
///
/// The server starts with `INITIAL_NO_AUTH_ACTION_COUNT=3`; readiness is checked with a plain
/// TCP connect (an HTTP probe would spend one of the three free calls), then the free calls
/// create an IAM user, its key and an allow-all inline policy, so from then on a wrong key or a
/// bad signature is refused as S3 refuses it. The Python environment comes from
/// `scripts/s3-venv` (installed once into `.prefab/s3-venv`); when it cannot be set up,
/// `unavailableReason` says why and the tests that need the server skip.
public final class MotoS3Server: Sendable {
    public let endpoint: String
    public let accessKeyID: String
    public let secretAccessKey: String
    /// The venv's python (boto3, s3fs) for outside-client checks.
    public let python: String

    /// The shared server, or nil with `unavailableReason` set.
    public static let shared: MotoS3Server? = try? start()
    public static var unavailableReason: String? {
        _ = shared
        return startFailure.withLock { $0 }
    }
    public static var isAvailable: Bool { shared != nil }

    private static let startFailure = Mutex<String?>(nil)

    private init(endpoint: String, accessKeyID: String, secretAccessKey: String, python: String) {
        self.endpoint = endpoint
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.python = python
    }

    /// The environment a `prefab` process (or a Python client) needs to reach this server.
    public var environment: [String: String] {
        [
            "AWS_ACCESS_KEY_ID": accessKeyID, "AWS_SECRET_ACCESS_KEY": secretAccessKey,
            "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
            "S3_ENDPOINT_URL": endpoint,
        ]
    }

    /// Runs Python with boto3 against this server (`s3` is a client): for creating buckets and
    /// checking what an outside client sees. Returns its stdout; throws on a non-zero exit.
    @discardableResult
    public func boto3(_ code: String) throws -> String {
        let script = "import boto3\ns3 = boto3.client('s3', endpoint_url='\(endpoint)', region_name='us-east-1', aws_access_key_id='\(accessKeyID)', aws_secret_access_key='\(secretAccessKey)')\n" + code
        let result = try runProcessBlocking(python, ["-c", script])
        guard result.status == 0 else { throw Failure(description: "boto3 failed: \(result.stderr.suffix(400))") }
        return result.stdout
    }

    /// Uploads every file under `directory` to `bucket` at `prefix` + its relative path, with
    /// boto3: data put there by an outside client, as a run would have published it.
    public func upload(directory: String, bucket: String, prefix: String) throws {
        try boto3("""
            import os
            base = '\(directory)'
            for directory, _, names in os.walk(base):
                for name in names:
                    path = os.path.join(directory, name)
                    s3.upload_file(path, '\(bucket)', '\(prefix)' + os.path.relpath(path, base))
            """)
    }

    /// Creates a fresh bucket and returns its name.
    public func makeBucket(_ label: String) throws -> String {
        let name = Self.bucketName(label)
        try boto3("s3.create_bucket(Bucket='\(name)')")
        return name
    }

    /// A fresh bucket name for one test.
    public static func bucketName(_ label: String) -> String {
        "\(label.lowercased().filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString.prefix(8).lowercased())"
    }

    private static func start() throws -> MotoS3Server {
        do {
            return try launch()
        } catch {
            startFailure.withLock { $0 = "\(error)" }
            throw error
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private static func launch() throws -> MotoS3Server {
        let root = BuiltProduct.repositoryRoot
        let venv = ProcessInfo.processInfo.environment["PREFAB_S3_VENV"] ?? root + "/.prefab/s3-venv"
        let setup = try runProcessBlocking("/bin/bash", [root + "/scripts/s3-venv"], environment: ["PREFAB_S3_VENV": venv])
        guard setup.status == 0 else {
            throw Failure(description: "moto could not be installed (scripts/s3-venv exited \(setup.status): \(setup.stderr.suffix(300)))")
        }
        let port = try freePort()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-moto-\(port).log").path
        // The shell watches this test process and stops moto when it exits, however it exits.
        // SIGKILL: a test process can hand its children SIGTERM ignored.
        let script = "\"$0\" -H 127.0.0.1 -p \(port) >\"$1\" 2>&1 & m=$!; while kill -0 \(getpid()) 2>/dev/null && kill -0 $m 2>/dev/null; do sleep 1; done; kill -9 $m 2>/dev/null"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script, venv + "/bin/moto_server", log]
        process.environment = ProcessInfo.processInfo.environment.merging(["INITIAL_NO_AUTH_ACTION_COUNT": "3"]) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !canConnect(port: port) {
            guard Date() < deadline, process.isRunning else {
                let tail = (try? String(contentsOfFile: log, encoding: .utf8))?.suffix(400) ?? ""
                throw Failure(description: "moto_server did not open port \(port) within 60 s: \(tail)")
            }
            usleep(100_000)
        }
        let endpoint = "http://127.0.0.1:\(port)"
        let user = try runProcessBlocking(venv + "/bin/python", [root + "/scripts/moto_iam_user.py", endpoint])
        let parts = user.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard user.status == 0, parts.count == 2 else {
            throw Failure(description: "could not create moto's IAM user: \(user.stderr.suffix(400))")
        }
        return MotoS3Server(endpoint: endpoint, accessKeyID: parts[0], secretAccessKey: parts[1], python: venv + "/bin/python")
    }

    /// A port nothing listens on now (bound to port 0, then released).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "no free TCP port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A plain TCP connect: spends none of moto's unauthenticated calls.
    public static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// `scripts/s3_fault_proxy.py` in front of the shared moto server: throttles and drops
/// connections by count, for retry tests; or plays a bucket in another region (`region`,
/// answered with `regionError` 301 or 400) or a server whose clock is `skew` seconds ahead.
/// Stop it with `stop()`.
public final class S3FaultProxy: Sendable {
    public let endpoint: String
    private let process: Process

    /// `log`: a file the proxy appends "METHOD PATH" to for every request it forwards;
    /// `delay`: seconds every PUT and POST is held before it is forwarded (a slow link).
    public init(
        upstream: MotoS3Server, slowdown: Int = 0, reset: Int = 0, passing: Int = 0,
        region: String? = nil, regionError: Int = 301, skew: Int = 0, alwaysSkewed: Bool = false, log: String? = nil,
        delay: Double = 0
    ) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: upstream.python)
        // Port 0: the proxy binds a port the system picks and names it in its "ready" line, so
        // two proxies started at once can never race for one port (and a test never talks to
        // another test's proxy that happened to hold the port it checked).
        var arguments = [
            BuiltProduct.repositoryRoot + "/scripts/s3_fault_proxy.py", "0", upstream.endpoint,
            "--slowdown", String(slowdown), "--reset", String(reset), "--pass", String(passing),
        ]
        if let region { arguments += ["--region", region, "--region-error", String(regionError)] }
        if skew != 0 { arguments += ["--skew", String(skew)] }
        if alwaysSkewed { arguments.append("--always-skewed") }
        if let log { arguments += ["--log", log] }
        if delay > 0 { arguments += ["--delay", String(delay)] }
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The first line, read on a thread of its own so a proxy that never starts cannot hang
        // the test past 30 s.
        let line = output.fileHandleForReading.firstLine(within: 30)
        guard let port = line.flatMap({ Int($0.dropFirst("ready ".count)) }), line?.hasPrefix("ready ") == true else {
            kill(process.processIdentifier, SIGKILL)
            throw MotoS3Server.Failure(description: "scripts/s3_fault_proxy.py did not start (it said \(line.map { "'\($0)'" } ?? "nothing") within 30 s)")
        }
        self.process = process
        endpoint = "http://127.0.0.1:\(port)"
    }

    /// Stops the proxy (SIGKILL: a test process can hand its children SIGTERM ignored). Not
    /// waited for: `waitUntilExit` can block an async test's thread for good, and Foundation
    /// reaps the process by itself.
    public func stop() {
        kill(process.processIdentifier, SIGKILL)
    }
}

/// What `S3FaultProxy(log:)` wrote: one "METHOD PATH" line per request it forwarded, read to
/// check that a resumed upload sent nothing for an object already finished.
public struct S3RequestLog {
    public let lines: [String]

    public init(path: String) throws {
        lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// Whether any PUT or POST (a body, a part, a multipart create or complete) went to the key.
    public func sentBody(bucket: String, key: String) -> Bool {
        let path = "/\(bucket)/\(key)"
        return lines.contains { line in
            (line.hasPrefix("PUT ") || line.hasPrefix("POST ")) && line.split(separator: " ")[1].split(separator: "?")[0] == path
        }
    }

    /// Whether the key was checked with HEAD.
    public func headed(bucket: String, key: String) -> Bool {
        lines.contains("HEAD /\(bucket)/\(key)")
    }
}
