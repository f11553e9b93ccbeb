import Hummingbird
import NIOCore

/// Checks every request's token (`ReviewAccess`) and puts the page's security headers on every
/// answer: a Content-Security-Policy that allows only this server's own script, style and API
/// (no inline script, nothing from elsewhere), no sniffing, no framing, no referrer.
struct ReviewMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let access: ReviewAccess

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let fromQuery = request.uri.queryParameters["token"].map(String.init)
        var presented = fromQuery
        if presented == nil, let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") {
            presented = String(authorization.dropFirst("Bearer ".count))
        }
        if presented == nil { presented = request.cookies[ReviewAccess.cookieName]?.value }
        var response: Response
        if access.admits(presented) {
            response = try await next(request, context)
            if let token = access.token, fromQuery != nil {
                // The page's script, stylesheet and API calls then carry it without putting it in their URLs.
                response.headers[.setCookie] = "\(ReviewAccess.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict"
            }
        } else {
            response = Response(
                status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "401: this review needs its token; open the URL `prefab review` printed (it ends in ?token=…)\n")))
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        return response
    }
}
