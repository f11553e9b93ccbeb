import Foundation
import PrefabLLM
import PrefabShards

/// The S3 REST calls Prefab needs, signed with SigV4 and sent through the project's libcurl
/// engine: objects (put, head, ranged get, delete, list), multipart uploads (create, part,
/// complete, abort, list), and bucket creation for setting up tests and examples.
///
/// Every call retries with exponential backoff (full jitter) on throttling (`SlowDown`, 429),
/// 5xx answers and lost connections; follows the region S3 names when a bucket lives elsewhere;
/// corrects for clock skew once from the server's `Date`; and turns the rest into an `S3Error`
/// naming the bucket and key.
package final class S3Client: Sendable {
    package let settings: S3Settings
    private let credentials: CredentialChain
    private let engine: HTTPEngine
    private let state = ClientState()
    /// Request bodies in flight across every upload of this client (`UploadSlots`).
    let uploadSlots: UploadSlots

    package init(settings: S3Settings, credentials: CredentialChain, engine: HTTPEngine = .shared) {
        self.settings = settings
        self.credentials = credentials
        self.engine = engine
        uploadSlots = UploadSlots(limit: settings.partConcurrency)
    }

    /// Settings and credentials from the standard AWS environment; `configure` applies a
    /// config file's choices over the settings (`storage:` in a run config).
    package static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, configure: (inout S3Settings) -> Void = { _ in }
    ) throws(S3Error) -> S3Client {
        var settings = try S3Settings.fromEnvironment(environment)
        configure(&settings)
        return S3Client(settings: settings, credentials: CredentialChain(environment: environment))
    }

    /// What S3 learned during the process: where buckets live, and how far the local clock is off.
    private actor ClientState {
        var regions: [String: String] = [:]
        var clockOffset: TimeInterval = 0
        func region(for bucket: String) -> String? { regions[bucket] }
        func setRegion(_ region: String, for bucket: String) { regions[bucket] = region }
        func setClockOffset(_ offset: TimeInterval) { clockOffset = offset }
    }

    // MARK: Objects

    /// Stores `body` at `key` in one request; returns the ETag.
    @discardableResult
    package func putObject(bucket: String, key: String, body: Data, contentType: String = "application/octet-stream") async throws(S3Error) -> String {
        var headers = encryptionHeaders()
        headers["content-type"] = contentType
        let response = try await send("PUT", bucket: bucket, key: key, headers: headers, body: body)
        return S3ObjectInfo.unquote(response.header("etag") ?? "")
    }

    /// Size and ETag of an object.
    package func headObject(bucket: String, key: String) async throws(S3Error) -> S3ObjectInfo {
        let response = try await send("HEAD", bucket: bucket, key: key)
        guard let length = response.header("content-length").flatMap(Int.init) else {
            throw .badResponse(bucket: bucket, key: key, detail: "HEAD answered without Content-Length")
        }
        return S3ObjectInfo(
            key: key, size: length, etag: S3ObjectInfo.unquote(response.header("etag") ?? ""),
            serverSideEncryption: response.header("x-amz-server-side-encryption"))
    }

    /// The object's info, or nil when there is no such object.
    package func objectIfPresent(bucket: String, key: String) async throws(S3Error) -> S3ObjectInfo? {
        do {
            return try await headObject(bucket: bucket, key: key)
        } catch .noSuchKey {
            return nil
        }
    }

    /// The bytes of `range` (inclusive byte offsets), or the whole object.
    package func getObject(bucket: String, key: String, range: ClosedRange<Int>? = nil) async throws(S3Error) -> Data {
        var headers: [String: String] = [:]
        if let range { headers["range"] = "bytes=\(range.lowerBound)-\(range.upperBound)" }
        return try await send("GET", bucket: bucket, key: key, headers: headers).body
    }

    package func deleteObject(bucket: String, key: String) async throws(S3Error) {
        _ = try await send("DELETE", bucket: bucket, key: key)
    }

    /// Every object under `prefix`, in key order (ListObjectsV2, following continuation tokens).
    package func listObjects(bucket: String, prefix: String) async throws(S3Error) -> [S3ObjectInfo] {
        var result: [S3ObjectInfo] = []
        var token: String?
        repeat {
            var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let response = try await send("GET", bucket: bucket, key: "", query: query)
            let text = Substring(String(decoding: response.body, as: UTF8.self))
            for block in S3XML.blocks("Contents", in: text) {
                guard let key = S3XML.value("Key", in: block) else { continue }
                result.append(S3ObjectInfo(
                    key: key, size: S3XML.value("Size", in: block).flatMap(Int.init) ?? 0,
                    etag: S3ObjectInfo.unquote(S3XML.value("ETag", in: block) ?? "")))
            }
            token = S3XML.value("IsTruncated", in: text) == "true" ? S3XML.value("NextContinuationToken", in: text) : nil
        } while token != nil
        return result
    }

    /// Creates a bucket (tests and examples; runs never create buckets).
    package func createBucket(_ bucket: String) async throws(S3Error) {
        let region = await state.region(for: bucket) ?? settings.region
        let body = region == "us-east-1" ? Data() : Data("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>".utf8)
        _ = try await send("PUT", bucket: bucket, key: "", body: body)
    }

    // MARK: Multipart uploads

    package func createMultipartUpload(bucket: String, key: String, contentType: String = "application/octet-stream") async throws(S3Error) -> String {
        var headers = encryptionHeaders()
        headers["content-type"] = contentType
        let response = try await send("POST", bucket: bucket, key: key, query: [("uploads", "")], headers: headers, body: Data())
        guard let id = S3XML.value("UploadId", in: response.body) else {
            throw .badResponse(bucket: bucket, key: key, detail: "CreateMultipartUpload answered without an UploadId")
        }
        return id
    }

    /// Uploads part `number` (1-based); returns its ETag.
    package func uploadPart(bucket: String, key: String, uploadID: String, number: Int, body: Data) async throws(S3Error) -> String {
        let response = try await send(
            "PUT", bucket: bucket, key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)], body: body)
        guard let etag = response.header("etag") else {
            throw .badResponse(bucket: bucket, key: key, detail: "UploadPart \(number) answered without an ETag")
        }
        return S3ObjectInfo.unquote(etag)
    }

    /// Joins the parts (number, ETag) into the object; returns its ETag.
    package func completeMultipartUpload(bucket: String, key: String, uploadID: String, parts: [(number: Int, etag: String)]) async throws(S3Error) -> String {
        let body = "<CompleteMultipartUpload>"
            + parts.sorted { $0.number < $1.number }.map { "<Part><PartNumber>\($0.number)</PartNumber><ETag>\"\($0.etag)\"</ETag></Part>" }.joined()
            + "</CompleteMultipartUpload>"
        let response = try await send(
            "POST", bucket: bucket, key: key, query: [("uploadId", uploadID)],
            headers: ["content-type": "application/xml"], body: Data(body.utf8))
        // S3 can answer 200 and report the failure in the body.
        let text = Substring(String(decoding: response.body, as: UTF8.self))
        if text.contains("<Error>") {
            throw .service(bucket: bucket, key: key, status: 200, code: S3XML.value("Code", in: text) ?? "Error", message: S3XML.value("Message", in: text) ?? "")
        }
        return S3ObjectInfo.unquote(S3XML.value("ETag", in: text) ?? "")
    }

    package func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws(S3Error) {
        do {
            _ = try await send("DELETE", bucket: bucket, key: key, query: [("uploadId", uploadID)])
        } catch .noSuchKey {
            // Already completed or aborted: nothing left to clean up.
        }
    }

    /// Multipart uploads still open under `prefix`.
    package func listMultipartUploads(bucket: String, prefix: String) async throws(S3Error) -> [S3MultipartUpload] {
        var result: [S3MultipartUpload] = []
        var keyMarker: String?
        var idMarker: String?
        repeat {
            var query: [(name: String, value: String)] = [("uploads", ""), ("prefix", prefix)]
            if let keyMarker { query.append(("key-marker", keyMarker)) }
            if let idMarker { query.append(("upload-id-marker", idMarker)) }
            let response = try await send("GET", bucket: bucket, key: "", query: query)
            let text = Substring(String(decoding: response.body, as: UTF8.self))
            for block in S3XML.blocks("Upload", in: text) {
                if let key = S3XML.value("Key", in: block), let id = S3XML.value("UploadId", in: block) {
                    result.append(S3MultipartUpload(key: key, uploadID: id))
                }
            }
            if S3XML.value("IsTruncated", in: text) == "true" {
                keyMarker = S3XML.value("NextKeyMarker", in: text)
                idMarker = S3XML.value("NextUploadIdMarker", in: text)
            } else {
                keyMarker = nil
            }
        } while keyMarker != nil
        return result
    }

    private func encryptionHeaders() -> [String: String] {
        var headers: [String: String] = [:]
        if let encryption = settings.encryption {
            headers["x-amz-server-side-encryption"] = encryption.rawValue
            if encryption == .kms, let key = settings.kmsKeyID {
                headers["x-amz-server-side-encryption-aws-kms-key-id"] = key
            }
        }
        return headers
    }

    // MARK: Sending

    /// Signs and sends one request, retrying what can succeed on a later try.
    private func send(
        _ method: String, bucket: String, key: String, query: [(name: String, value: String)] = [],
        headers extra: [String: String] = [:], body: Data? = nil
    ) async throws(S3Error) -> HTTPResponse {
        let payloadHash = body.map { Digest.sha256Hex($0) } ?? SigV4Signer.emptyPayloadHash
        var skewCorrected = false
        var regionFollowed = false
        var lastProblem = ""
        for attempt in 0..<settings.maxAttempts {
            if attempt > 0 {
                let cap = min(20, settings.retryBaseDelay * pow(2, Double(attempt - 1)))
                let delay = Double.random(in: 0...max(cap, 0.001))
                do { try await Task.sleep(nanoseconds: UInt64(delay * 1e9)) } catch {
                    throw .transport(bucket: bucket, key: key, detail: "cancelled")
                }
            }
            let region = await state.region(for: bucket) ?? settings.region
            let address = settings.address(bucket: bucket, key: key, region: region)
            let credentials: AWSCredentials
            do {
                credentials = try await self.credentials.credentials()
            } catch let error as S3Error {
                throw error
            } catch {
                throw .invalidCredentialsSource("\(error)")
            }
            var headers = extra
            headers["host"] = address.host
            if body != nil, headers["content-type"] == nil {
                // Without one libcurl labels a body as a form, which some servers then parse.
                headers["content-type"] = "application/octet-stream"
            }
            headers["x-amz-content-sha256"] = payloadHash
            let signer = SigV4Signer(credentials: credentials, region: region, service: "s3")
            let now = Date().addingTimeInterval(await state.clockOffset)
            headers.merge(signer.sign(.init(method: method, path: address.path, query: query, headers: headers, payloadHash: payloadHash), at: now)) { _, new in new }
            var url = address.url
            if !query.isEmpty {
                url += "?" + query.map { $0.value.isEmpty && ($0.name == "uploads") ? $0.name : "\(SigV4Signer.uriEncode($0.name))=\(SigV4Signer.uriEncode($0.value))" }.joined(separator: "&")
            }
            var request = HTTPRequest(
                method: HTTPRequest.Method(rawValue: method) ?? .get, url: url, headers: headers,
                body: body, connectTimeout: 10, timeout: 300)
            request.caBundle = settings.caBundle
            let response: HTTPResponse
            do {
                response = try await engine.send(request)
            } catch let error as TransportError {
                guard error.isTransient else { throw .transport(bucket: bucket, key: key, detail: error.message) }
                lastProblem = error.message
                continue
            } catch is CancellationError {
                throw .transport(bucket: bucket, key: key, detail: "cancelled")
            } catch {
                throw .transport(bucket: bucket, key: key, detail: "\(error)")
            }
            if (200..<300).contains(response.status) { return response }

            let text = Substring(String(decoding: response.body, as: UTF8.self))
            let code = S3XML.value("Code", in: text) ?? ""
            let message = S3XML.value("Message", in: text) ?? ""
            // A bucket in another region: S3 names it in a header or the error body.
            if [301, 307, 400].contains(response.status), !regionFollowed,
                let named = response.header("x-amz-bucket-region") ?? S3XML.value("Region", in: text), named != region
            {
                await state.setRegion(named, for: bucket)
                regionFollowed = true
                continue
            }
            if code == "RequestTimeTooSkewed" {
                // Signed at the server's time from now on, once; a second refusal is a clock
                // that moves or a server that lies, so it is reported with how far off it is.
                let offset = response.header("date").flatMap(Self.parseHTTPDate)?.timeIntervalSinceNow
                guard !skewCorrected, let offset else {
                    throw .clockSkew(bucket: bucket, offset: offset.map { Int($0.rounded()) }, detail: message.isEmpty ? "RequestTimeTooSkewed" : message)
                }
                await state.setClockOffset(offset)
                skewCorrected = true
                continue
            }
            switch response.status {
            case 429, 500, 502, 503, 504:
                lastProblem = "HTTP \(response.status) \(code)"
                continue
            case 400 where code == "RequestTimeout" || code == "SlowDown":
                lastProblem = "HTTP 400 \(code)"
                continue
            case 403:
                throw .accessDenied(bucket: bucket, key: key, code: code.isEmpty ? "Forbidden" : code, message: message, keyID: credentials.accessKeyID)
            case 404 where code == "NoSuchBucket":
                throw .noSuchBucket(bucket)
            case 404 where code == "NoSuchUpload":
                throw .noSuchKey(bucket: bucket, key: key)
            case 404 where code == "NoSuchKey" || method == "HEAD":
                throw .noSuchKey(bucket: bucket, key: key)
            case 301:
                throw .service(bucket: bucket, key: key, status: 301, code: code, message: "the bucket is in another region or needs another endpoint: set AWS_REGION")
            default:
                throw .service(bucket: bucket, key: key, status: response.status, code: code, message: message)
            }
        }
        throw .transport(bucket: bucket, key: key, detail: "\(settings.maxAttempts) attempts failed; last: \(lastProblem)")
    }

    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
