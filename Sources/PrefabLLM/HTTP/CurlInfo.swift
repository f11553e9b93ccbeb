import CCurl

/// Facts about the libcurl this build links.
public enum CurlInfo {
    /// libcurl's version line, e.g. `libcurl/7.88.1 OpenSSL/3.0.11 zlib/1.2.13 nghttp2/1.52.0`.
    public static var version: String { String(cString: curl_version()) }
}
