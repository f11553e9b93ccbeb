import Foundation
import PrefabLLM
import Testing

/// The one rule for Prefab's state directory, which every Swift caller and the scripts follow.
@Suite struct PrefabHomeTests {
    @Test func unsetOrEmptyMeansDotPrefabInTheCurrentDirectory() {
        #expect(PrefabHome.resolve(environment: [:], currentDirectory: "/work/project").path == "/work/project/.prefab")
        #expect(PrefabHome.resolve(environment: ["PREFAB_HOME": ""], currentDirectory: "/work/project").path == "/work/project/.prefab")
    }

    @Test func anAbsolutePrefabHomeIsUsedAsIs() {
        #expect(PrefabHome.resolve(environment: ["PREFAB_HOME": "/srv/prefab/"], currentDirectory: "/work").path == "/srv/prefab")
    }

    @Test func aRelativePrefabHomeIsTakenFromTheCurrentDirectory() {
        #expect(PrefabHome.resolve(environment: ["PREFAB_HOME": "state"], currentDirectory: "/work/project").path == "/work/project/state")
        #expect(PrefabHome.resolve(environment: ["PREFAB_HOME": "../shared/.prefab"], currentDirectory: "/work/project").path == "/work/shared/.prefab")
    }

    @Test func theCacheAndTheLocalServerLiveUnderTheHome() {
        let home = PrefabHome(path: "/srv/prefab")
        #expect(home.cachePath == "/srv/prefab/cache.sqlite")
        #expect(home.localDirectory == "/srv/prefab/local")
        #expect(home.localServerStatePath == "/srv/prefab/local/server.json")
        #expect(LocalServerState.path(environment: ["PREFAB_HOME": "/srv/prefab"]) == home.localServerStatePath)
    }

    @Test func theDefaultIsTheProcessEnvironmentAndDirectory() {
        let expected = ProcessInfo.processInfo.environment["PREFAB_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            .map { PrefabHome(path: $0).path } ?? FileManager.default.currentDirectoryPath + "/.prefab"
        #expect(PrefabHome.resolve().path == expected)
    }
}
