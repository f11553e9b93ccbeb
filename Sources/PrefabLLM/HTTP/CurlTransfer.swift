import CCurl
import Foundation

/// One request's libcurl easy handle and the buffers its callbacks fill.
///
/// Set up on the caller's thread (so option parsing is spread over cores), then owned by the
/// engine's curl thread from the moment it is handed over until it completes. libcurl's callbacks
/// find it through an unretained pointer; the engine's table of active transfers keeps it alive
/// meanwhile.
final class CurlTransfer: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var responseBody = Data()
    private var responseHeaders: [String: String] = [:]
    /// `HTTPRequest.bodyFile`, and its descriptor once a 2xx body starts arriving.
    private var bodyFile: String?
    private var bodyDescriptor: Int32 = -1
    private var bodyFileError: String?
    private var bodyFileOpened = false
    private var continuation: CheckedContinuation<HTTPResponse, any Error>?
    private var released = false

    init(_ request: HTTPRequest) throws(TransportError) {
        guard let easy = curl_easy_init() else {
            throw TransportError(kind: .other, code: 0, message: "libcurl could not create a transfer handle")
        }
        self.easy = easy
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        do {
            try configure(request)
        } catch {
            release()
            throw error
        }
    }

    deinit {
        release()
    }

    /// The continuation to resume when the transfer ends; set before the engine sees the transfer.
    func attach(_ continuation: CheckedContinuation<HTTPResponse, any Error>) {
        self.continuation = continuation
    }

    private func configure(_ request: HTTPRequest) throws(TransportError) {
        func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
            let code = prefab_curl_easy_setopt_long(easy, option, value)
            guard code == CURLE_OK else { throw TransportError.classify(code, detail: "") }
        }
        func set(_ option: CURLoption, _ value: String) throws(TransportError) {
            let code = prefab_curl_easy_setopt_string(easy, option, value)
            guard code == CURLE_OK else { throw TransportError.classify(code, detail: "") }
        }

        try set(CURLOPT_URL, request.url)
        bodyFile = request.bodyFile
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_ACCEPT_ENCODING, "")
        if request.url.lowercased().hasPrefix("https:") {
            // Wait for an HTTP/2 connection being set up rather than opening a parallel one, so
            // requests to one host share a multiplexed connection.
            try set(CURLOPT_PIPEWAIT, 1)
        }
        if let bundle = request.caBundle ?? Self.certificateSettings.bundle {
            try set(CURLOPT_CAINFO, bundle)
        }
        if let directory = Self.certificateSettings.directory {
            try set(CURLOPT_CAPATH, directory)
        }

        switch request.method {
        case .get:
            try set(CURLOPT_HTTPGET, 1)
        case .post:
            try set(CURLOPT_POST, 1)
        case .put, .delete:
            try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        case .head:
            // NOBODY makes libcurl send HEAD and not wait for the body the headers announce.
            try set(CURLOPT_NOBODY, 1)
        }
        if let body = request.body {
            let sizeCode = prefab_curl_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            guard sizeCode == CURLE_OK else { throw TransportError.classify(sizeCode, detail: "") }
            let code = body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies the body, so it need not outlive this call.
                prefab_curl_easy_setopt_pointer(
                    easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(errorBuffer)))
            }
            guard code == CURLE_OK else { throw TransportError.classify(code, detail: "") }
            if body.count > 1 << 20 {
                // libcurl sends one upload buffer (64 KiB by default) per pass of the multi loop;
                // a larger one moves big bodies (object storage parts) in fewer passes.
                try set(CURLOPT_UPLOAD_BUFFERSIZE, 1 << 20)
            }
        }

        var list: UnsafeMutablePointer<curl_slist>?
        // Without this libcurl sends "Expect: 100-continue" on large POSTs and waits a round trip.
        list = curl_slist_append(list, "Expect:")
        for (name, value) in request.headers {
            list = curl_slist_append(list, "\(name): \(value)")
        }
        headerList = list
        let listCode = prefab_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
        guard listCode == CURLE_OK else { throw TransportError.classify(listCode, detail: "") }

        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = prefab_curl_easy_setopt_pointer(easy, CURLOPT_PRIVATE, context)
        _ = prefab_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        _ = prefab_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
        _ = prefab_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        _ = prefab_curl_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            if let data, length > 0 {
                // Returning less than `length` makes libcurl end the transfer with a write error.
                return transfer.received(UnsafeRawPointer(data), length) ? length : 0
            }
            return length
        }
        _ = prefab_curl_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            if let data, length > 0 {
                let line = data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                    String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
                }
                transfer.receivedHeaderLine(line)
            }
            return length
        }
    }

    /// Keeps a piece of the body: in memory, or in `bodyFile` when the status is 2xx. False when
    /// the file cannot be written (the transfer then fails, naming the file).
    private func received(_ bytes: UnsafeRawPointer, _ length: Int) -> Bool {
        if let bodyFile {
            var status = 0
            _ = prefab_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            if (200..<300).contains(status) {
                if bodyDescriptor < 0 {
                    bodyDescriptor = open(bodyFile, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o644)
                    guard bodyDescriptor >= 0 else {
                        bodyFileError = "cannot write \(bodyFile): \(String(cString: strerror(errno)))"
                        return false
                    }
                    bodyFileOpened = true
                }
                var offset = 0
                while offset < length {
                    let written = write(bodyDescriptor, bytes + offset, length - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        bodyFileError = "cannot write \(bodyFile): \(String(cString: strerror(errno)))"
                        return false
                    }
                    offset += written
                }
                return true
            }
        }
        responseBody.append(bytes.assumingMemoryBound(to: UInt8.self), count: length)
        return true
    }

    private func receivedHeaderLine(_ line: String) {
        if line.hasPrefix("HTTP/") {
            // A new response begins (after a 100 Continue or a redirect): forget earlier headers.
            responseHeaders.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        responseHeaders[name] = value
    }

    /// Resumes the caller with the outcome libcurl reported, then frees the handle.
    /// Call after the handle has left the multi handle (or never joined it).
    func complete(_ code: CURLcode) {
        if bodyDescriptor >= 0 {
            close(bodyDescriptor)
            bodyDescriptor = -1
        }
        if let bodyFileError {
            finish(.failure(TransportError(kind: .other, code: Int(code.rawValue), message: bodyFileError)))
        } else if code == CURLE_OK {
            var status = 0
            _ = prefab_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            if let bodyFile, !bodyFileOpened, (200..<300).contains(status) {
                // A 2xx answer with an empty body still leaves its (empty) file.
                _ = FileManager.default.createFile(atPath: bodyFile, contents: nil)
            }
            var microseconds: curl_off_t = 0
            _ = prefab_curl_easy_getinfo_offset(easy, CURLINFO_TOTAL_TIME_T, &microseconds)
            var version = 0
            _ = prefab_curl_easy_getinfo_long(easy, CURLINFO_HTTP_VERSION, &version)
            var connects = 0
            _ = prefab_curl_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
            let response = HTTPResponse(
                status: status,
                headers: responseHeaders,
                body: responseBody,
                totalTime: Double(microseconds) / 1_000_000,
                httpVersion: Self.versionName(version),
                newConnections: connects
            )
            finish(.success(response))
        } else {
            let detail = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
            finish(.failure(TransportError.classify(code, detail: detail)))
        }
    }

    /// Resumes the caller with an error and frees the handle.
    func fail(_ error: any Error) {
        finish(.failure(error))
    }

    private func finish(_ result: Result<HTTPResponse, any Error>) {
        let continuation = self.continuation
        self.continuation = nil
        release()
        continuation?.resume(with: result)
    }

    private func release() {
        guard !released else { return }
        released = true
        if bodyDescriptor >= 0 {
            close(bodyDescriptor)
            bodyDescriptor = -1
        }
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        headerList = nil
        errorBuffer.deallocate()
        responseBody = Data()
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return max(1, Int((seconds * 1000).rounded(.up)))
    }

    private static func versionName(_ version: Int) -> String {
        switch version {
        case CURL_HTTP_VERSION_1_0: "1.0"
        case CURL_HTTP_VERSION_1_1: "1.1"
        case CURL_HTTP_VERSION_2_0: "2"
        case 30: "3"
        default: "unknown"
        }
    }

    /// The CA settings the curl tool takes from the environment: a bundle from `CURL_CA_BUNDLE`,
    /// else `SSL_CERT_FILE`, and a directory from `SSL_CERT_DIR`. Unset means libcurl's built-in
    /// defaults. (Proxy variables libcurl reads by itself.) Read once per process.
    private static let certificateSettings: (bundle: String?, directory: String?) = {
        let environment = ProcessInfo.processInfo.environment
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        return (value("CURL_CA_BUNDLE") ?? value("SSL_CERT_FILE"), value("SSL_CERT_DIR"))
    }()
}
