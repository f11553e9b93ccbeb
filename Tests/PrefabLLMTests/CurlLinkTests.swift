import Testing
import PrefabLLM

@Suite struct CurlLinkTests {
    @Test func linksLibcurlWithHTTPSupport() {
        #expect(CurlInfo.version.hasPrefix("libcurl/"))
    }
}
