import Testing
import Prefab

@Suite struct EndToEndPlaceholderTests {
    @Test func libraryLinks() {
        #expect(!CurlInfo.version.isEmpty)
    }
}
