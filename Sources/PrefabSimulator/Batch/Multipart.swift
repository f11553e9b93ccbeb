import Foundation

/// The little of `multipart/form-data` that `POST /v1/files` needs: named fields, a file's name.
enum Multipart {
    struct Field {
        var name: String
        var filename: String?
        var value: [UInt8]
    }

    /// The boundary of a `multipart/form-data; boundary=...` content type.
    static func boundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// The fields of `body`; parts that cannot be read are skipped.
    static func parse(_ body: [UInt8], boundary: String) -> [Field] {
        let delimiter = Array("--\(boundary)".utf8)
        var fields: [Field] = []
        var positions: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var part = Array(body[(start + delimiter.count)..<end])
            // The part runs from after the delimiter's CRLF to before the next one's CRLF.
            if part.starts(with: [0x0D, 0x0A]) { part.removeFirst(2) }
            if part.count >= 2, part[part.count - 2] == 0x0D, part[part.count - 1] == 0x0A { part.removeLast(2) }
            guard let split = find([0x0D, 0x0A, 0x0D, 0x0A], in: part, from: 0) else { continue }
            let head = String(decoding: part[..<split], as: UTF8.self)
            let value = Array(part[(split + 4)...])
            var name: String?
            var filename: String?
            for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition") {
                for item in line.split(separator: ";").dropFirst() {
                    let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard pair.count == 2 else { continue }
                    let text = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    if pair[0] == "name" { name = text }
                    if pair[0] == "filename" { filename = text }
                }
            }
            if let name { fields.append(Field(name: name, filename: filename, value: value)) }
        }
        return fields
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
