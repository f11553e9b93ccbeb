import Testing
import Prefab

@Suite struct PrefabVersionTests {
    @Test func versionIsSemantic() {
        #expect(PrefabVersion.string.split(separator: ".").count == 3)
    }
}
