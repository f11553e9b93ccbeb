import Foundation

extension S3Client {
    /// Uploads a local file to `location`: one PUT below the multipart threshold, otherwise a
    /// multipart upload whose parts are read from the file only as they are sent, at most
    /// `partConcurrency` at a time, so memory stays at `partSize × partConcurrency` whatever the
    /// file's size.
    ///
    /// `started` is told the upload id before the first part goes up, so a caller that journals
    /// it can abort the upload after a crash; when the upload fails here it is aborted here.
    /// Returns the object's size and ETag.
    package func uploadFile(
        _ path: String, to location: S3Location, contentType: String = "application/octet-stream",
        started: @Sendable (String) async throws -> Void = { _ in }
    ) async throws -> S3ObjectInfo {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = (attributes[.size] as? NSNumber)?.intValue
        else { throw S3Error.localFile(path: path, detail: "cannot be read") }
        if size < settings.multipartThreshold {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw S3Error.localFile(path: path, detail: "cannot be read")
            }
            let etag = try await putObject(bucket: location.bucket, key: location.key, body: data, contentType: contentType)
            return S3ObjectInfo(key: location.key, size: size, etag: etag)
        }
        let uploadID = try await createMultipartUpload(bucket: location.bucket, key: location.key, contentType: contentType)
        do {
            try await started(uploadID)
            let parts = try await uploadParts(of: path, size: size, to: location, uploadID: uploadID)
            let etag = try await completeMultipartUpload(bucket: location.bucket, key: location.key, uploadID: uploadID, parts: parts)
            return S3ObjectInfo(key: location.key, size: size, etag: etag)
        } catch {
            try? await abortMultipartUpload(bucket: location.bucket, key: location.key, uploadID: uploadID)
            throw error
        }
    }

    /// Sends every part, keeping at most `partConcurrency` in flight.
    private func uploadParts(of path: String, size: Int, to location: S3Location, uploadID: String) async throws -> [(number: Int, etag: String)] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw S3Error.localFile(path: path, detail: "cannot be opened")
        }
        defer { try? handle.close() }
        let partSize = settings.partSize
        let count = (size + partSize - 1) / partSize
        return try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var parts: [(number: Int, etag: String)] = []
            var next = 1
            func readPart(_ number: Int) throws -> Data {
                let offset = (number - 1) * partSize
                try handle.seek(toOffset: UInt64(offset))
                let length = min(partSize, size - offset)
                guard let data = try handle.read(upToCount: length), data.count == length else {
                    throw S3Error.localFile(path: path, detail: "changed size while being uploaded")
                }
                return data
            }
            while next <= min(count, settings.partConcurrency) {
                let number = next, data = try readPart(number)
                group.addTask { (number, try await self.uploadPart(bucket: location.bucket, key: location.key, uploadID: uploadID, number: number, body: data)) }
                next += 1
            }
            while let (number, etag) = try await group.next() {
                parts.append((number, etag))
                if next <= count {
                    let number = next, data = try readPart(number)
                    group.addTask { (number, try await self.uploadPart(bucket: location.bucket, key: location.key, uploadID: uploadID, number: number, body: data)) }
                    next += 1
                }
            }
            return parts
        }
    }

    /// Downloads an object to a local file with ranged GETs of `chunkSize` bytes, so memory stays
    /// at one chunk; returns the bytes written.
    @discardableResult
    package func downloadFile(_ location: S3Location, to path: String, chunkSize: Int = 8 << 20) async throws -> Int {
        let info = try await headObject(bucket: location.bucket, key: location.key)
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw S3Error.localFile(path: path, detail: "cannot be created")
        }
        defer { try? handle.close() }
        var offset = 0
        while offset < info.size {
            let end = min(info.size, offset + chunkSize) - 1
            let data = try await getObject(bucket: location.bucket, key: location.key, range: offset...end)
            guard data.count == end - offset + 1 else {
                throw S3Error.badResponse(bucket: location.bucket, key: location.key, detail: "a ranged read of \(end - offset + 1) bytes returned \(data.count)")
            }
            try handle.write(contentsOf: data)
            offset = end + 1
        }
        return info.size
    }
}
