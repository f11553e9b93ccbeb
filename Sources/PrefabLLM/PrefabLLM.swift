import CCurl

/// Placeholder until the HTTP engine lands: the libcurl version this build links.
public enum CurlInfo {
    public static var version: String { String(cString: curl_version()) }
}
