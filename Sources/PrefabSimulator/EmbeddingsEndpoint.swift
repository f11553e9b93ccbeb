import Foundation
import PrefabShards

/// `POST /v1/embeddings`: deterministic unit vectors.
///
/// A vector is the feature hash of the text's lowercased words (each word adds ±1 to a
/// dimension chosen by its hash), normalised to length 1: the same text always gives the same
/// vector, texts sharing words point in similar directions, and unrelated texts are nearly
/// orthogonal, which is what embedding diversity metrics (Vendi, clustering) need to tell sets
/// apart. Accepts `input` as a string, a list of strings, or token arrays; `dimensions`;
/// `encoding_format` float or base64.
enum EmbeddingsEndpoint: SimulatorEndpoint {
    static let path = "/v1/embeddings"

    static func answer(_ request: SimulatorRequest, context: EndpointContext) throws(APIError) -> SimulatorReply {
        let body = try RequestFields.body(request.body)
        let model = try RequestFields.string(body, "model") ?? context.configuration.models[0]
        let dimensions = try RequestFields.int(body, "dimensions", in: 1...65536) ?? context.configuration.embeddingDimensions
        let encoding = try RequestFields.string(body, "encoding_format") ?? "float"
        guard encoding == "float" || encoding == "base64" else {
            throw APIError.invalid("Invalid 'encoding_format': expected 'float' or 'base64'.", param: "encoding_format")
        }
        let inputs = try texts(body["input"])

        var writer = JSONWriter(capacity: 128 + inputs.count * dimensions * 12)
        writer.raw("{\"object\":\"list\",\"data\":[")
        var tokens = 0
        for (index, text) in inputs.enumerated() {
            tokens += max(1, SimulatedTokenizer.count(text))
            let vector = embedding(of: text, dimensions: dimensions, seed: context.configuration.seed)
            if index > 0 { writer.raw(",") }
            writer.raw("{\"object\":\"embedding\",\"index\":")
            writer.int(index)
            writer.raw(",\"embedding\":")
            if encoding == "base64" {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(dimensions * 4)
                for component in vector {
                    withUnsafeBytes(of: Float(component).bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
                }
                writer.string(Data(bytes).base64EncodedString())
            } else {
                writer.raw("[")
                for (offset, component) in vector.enumerated() {
                    if offset > 0 { writer.raw(",") }
                    writer.raw(Float(component).description)
                }
                writer.raw("]")
            }
            writer.raw("}")
        }
        writer.raw("],\"model\":")
        writer.string(model)
        writer.raw(",\"usage\":{\"prompt_tokens\":")
        writer.int(tokens)
        writer.raw(",\"total_tokens\":")
        writer.int(tokens)
        writer.raw("}}")
        context.recorder.recordGeneration(model: model, promptTokens: tokens, completionTokens: 0, seeded: false, structured: false)
        return .json(200, writer.bytes)
    }

    /// `input` as texts; token arrays become their numbers joined by spaces.
    private static func texts(_ input: JSONValue?) throws(APIError) -> [String] {
        func tokenText(_ values: [JSONValue]) -> String? {
            let numbers = values.compactMap(\.intValue)
            return numbers.count == values.count ? numbers.map(String.init).joined(separator: " ") : nil
        }
        switch input {
        case .string(let text)?:
            return [text]
        case .array(let items)? where !items.isEmpty:
            if items.allSatisfy({ $0.intValue != nil }), let text = tokenText(items) { return [text] }
            var texts: [String] = []
            for item in items {
                if let text = item.stringValue {
                    texts.append(text)
                } else if let tokens = item.arrayValue, let text = tokenText(tokens) {
                    texts.append(text)
                } else {
                    throw APIError.invalid("Invalid 'input': expected strings or token arrays.", param: "input")
                }
            }
            return texts
        case nil, .null?:
            throw APIError.invalid("Missing required parameter: 'input'.", param: "input")
        default:
            throw APIError.invalid("Invalid 'input': expected a string or a non-empty list.", param: "input")
        }
    }

    /// The unit vector of `text` (see the type's comment).
    static func embedding(of text: String, dimensions: Int, seed: UInt64) -> [Double] {
        var vector = [Double](repeating: 0, count: dimensions)
        var word = String.UnicodeScalarView()
        var words = 0
        func add() {
            guard !word.isEmpty else { return }
            var hasher = StableHasher(seed: seed)
            hasher.combine(String(word).lowercased())
            let hash = hasher.finalize()
            vector[Int(hash % UInt64(dimensions))] += (hash >> 63) == 0 ? 1 : -1
            // A second, weaker feature per word keeps short texts from collapsing onto one axis.
            let second = SplitMix64.mix(hash)
            vector[Int(second % UInt64(dimensions))] += (second >> 63) == 0 ? 0.5 : -0.5
            words += 1
            word = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                word.append(scalar)
            } else {
                add()
            }
        }
        add()
        var norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm == 0 {
            // No words (or features that cancelled out): a direction derived from the raw text.
            var hasher = StableHasher(seed: seed)
            hasher.combine(text)
            var generator = SplitMix64(seed: hasher.finalize())
            for index in vector.indices { vector[index] = generator.nextNormal() }
            norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
        return vector.map { $0 / norm }
    }
}
