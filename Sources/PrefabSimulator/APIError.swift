import PrefabShards

/// An error answer in the shape the client expects: OpenAI's `{"error": {message, type, param,
/// code}}` or Anthropic's `{"type": "error", "error": {type, message}}`.
///
/// Messages never repeat what the client sent in its credentials.
struct APIError: Error {
    enum Style {
        case openAI
        case anthropic
    }

    var status: Int
    var message: String
    var param: String?
    var code: String?

    init(_ status: Int, _ message: String, param: String? = nil, code: String? = nil) {
        self.status = status
        self.message = message
        self.param = param
        self.code = code
    }

    static func invalid(_ message: String, param: String? = nil) -> APIError {
        APIError(400, message, param: param)
    }

    func reply(style: Style, headers: [(String, String)] = []) -> SimulatorReply {
        switch style {
        case .openAI:
            return .json(status, [
                "error": [
                    "message": .string(message),
                    "type": .string(openAIType),
                    "param": param.map(JSONValue.string) ?? .null,
                    "code": (code ?? openAICode).map(JSONValue.string) ?? .null,
                ],
            ], headers: headers)
        case .anthropic:
            return .json(status, [
                "type": "error",
                "error": ["type": .string(anthropicType), "message": .string(message)],
            ], headers: headers)
        }
    }

    private var openAIType: String {
        switch status {
        case 429: "requests"
        case 500...: "server_error"
        default: "invalid_request_error"
        }
    }

    private var openAICode: String? {
        switch status {
        case 401: "invalid_api_key"
        case 404: "not_found"
        case 429: "rate_limit_exceeded"
        default: nil
        }
    }

    private var anthropicType: String {
        switch status {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 503, 529: "overloaded_error"
        case 500...: "api_error"
        default: "invalid_request_error"
        }
    }
}
