import Foundation
import PrefabTestSupport
import Testing

/// `prefab local home`: what the scripts ask instead of restating the home rule.
@Suite struct LocalHomeCommandTests {
    @Test func printsThePrefabHomeByTheOneRule() async throws {
        let prefab = try BuiltProduct.path("prefab")
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        // Empty counts as unset (and overrides what the test runner itself was given).
        var environment = ["PREFAB_HOME": ""]
        let unset = try await runProcess(prefab, ["local", "home"], environment: environment, currentDirectory: scratch.path)
        #expect(unset.stdout == scratch.path + "/.prefab\n", "\(unset.stderr)")
        environment["PREFAB_HOME"] = "state"
        let relative = try await runProcess(prefab, ["local", "home"], environment: environment, currentDirectory: scratch.path)
        #expect(relative.stdout == scratch.path + "/state\n")
        environment["PREFAB_HOME"] = "/srv/prefab"
        let absolute = try await runProcess(prefab, ["local", "home"], environment: environment, currentDirectory: scratch.path)
        #expect(absolute.stdout == "/srv/prefab\n")
    }
}
