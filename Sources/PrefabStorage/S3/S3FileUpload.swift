import Foundation

extension S3Client {
    /// Uploads a local file to `location`: one PUT below the multipart threshold, otherwise a
    /// multipart upload whose parts are read from the file only as they are sent. Every upload
    /// of this client shares `partConcurrency` slots (`UploadSlots`), so memory stays at
    /// `partSize × partConcurrency` whatever the files' sizes and however many go up at once.
    ///
    /// `started` is told the upload id before the first part goes up, so a caller that journals
    /// it can abort the upload after a crash; when the upload fails here it is aborted here.
    /// Returns the object's size and ETag.
    package func uploadFile(
        _ path: String, to location: S3Location, contentType: String = "application/octet-stream",
        started: @Sendable (String) async throws -> Void = { _ in }
    ) async throws -> S3ObjectInfo {
        let file = try PartReader(path: path)
        let size = file.size
        if size < settings.multipartThreshold {
            let etag = try await uploadSlots.withSlot {
                try await self.putObject(bucket: location.bucket, key: location.key, body: try file.read(offset: 0, length: size), contentType: contentType)
            }
            return S3ObjectInfo(key: location.key, size: size, etag: etag)
        }
        let uploadID = try await createMultipartUpload(bucket: location.bucket, key: location.key, contentType: contentType)
        do {
            try await started(uploadID)
            let parts = try await uploadParts(of: file, to: location, uploadID: uploadID)
            let etag = try await completeMultipartUpload(bucket: location.bucket, key: location.key, uploadID: uploadID, parts: parts)
            return S3ObjectInfo(key: location.key, size: size, etag: etag)
        } catch {
            try? await abortMultipartUpload(bucket: location.bucket, key: location.key, uploadID: uploadID)
            throw error
        }
    }

    /// Sends every part, each read from the file once it holds an upload slot.
    private func uploadParts(of file: PartReader, to location: S3Location, uploadID: String) async throws -> [(number: Int, etag: String)] {
        let partSize = settings.partSize
        let count = (file.size + partSize - 1) / partSize
        let slots = uploadSlots
        return try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for number in 1...count {
                group.addTask {
                    try await slots.withSlot {
                        let offset = (number - 1) * partSize
                        let body = try file.read(offset: offset, length: min(partSize, file.size - offset))
                        return (number, try await self.uploadPart(bucket: location.bucket, key: location.key, uploadID: uploadID, number: number, body: body))
                    }
                }
            }
            var parts: [(number: Int, etag: String)] = []
            while let (number, etag) = try await group.next() {
                parts.append((number, etag))
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

/// A local file read in parts from any thread (`pread`), closed when the last part is done.
private final class PartReader: Sendable {
    let path: String
    let size: Int
    private let descriptor: Int32

    init(path: String) throws(S3Error) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        var status = stat()
        guard descriptor >= 0, fstat(descriptor, &status) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw S3Error.localFile(path: path, detail: "cannot be read")
        }
        size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    func read(offset: Int, length: Int) throws(S3Error) -> Data {
        var data = Data(count: length)
        let complete = data.withUnsafeMutableBytes { buffer -> Bool in
            var done = 0
            while done < length {
                let got = pread(descriptor, buffer.baseAddress! + done, length - done, off_t(offset + done))
                if got < 0, errno == EINTR { continue }
                guard got > 0 else { return false }
                done += got
            }
            return true
        }
        guard complete else { throw S3Error.localFile(path: path, detail: "changed size while being uploaded") }
        return data
    }
}
