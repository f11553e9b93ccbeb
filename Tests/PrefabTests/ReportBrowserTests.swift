import Foundation
import Testing
@testable import Prefab

/// Renders report.html in a real browser (headless Chromium) and checks the screenshot is a
/// page, not an error or a blank. Skipped, saying why, where Chromium is not installed
/// (`scripts/bootstrap` installs it).
@Suite struct ReportBrowserTests {
    /// The first Chromium-family browser on PATH.
    static let chromium: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    @Test(.enabled(if: chromium != nil, "chromium is not installed: run scripts/bootstrap (apt-get install chromium) to check report.html in a browser"),
          .timeLimit(.minutes(10)))
    func reportRendersInHeadlessChromium() async throws {
        let root = try ReportTests.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let paths = try await RunReport.build(runDirectory: root).write(to: root)
        let screenshot = root + "/report.png"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.chromium))
        process.arguments = [
            "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--user-data-dir=\(root)/chromium-profile",
            "--screenshot=\(screenshot)", "--window-size=1200,2000", URL(fileURLWithPath: paths.html).absoluteString,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        await process.exited()
        #expect(process.terminationStatus == 0, "chromium exited with \(process.terminationStatus)")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
        // A blank 1200×2000 page compresses to a few kB with few distinct bytes; text and charts do not.
        #expect(png.count > 30_000, "screenshot is \(png.count) bytes: a blank page?")
        #expect(Set(png).count > 200, "screenshot has \(Set(png).count) distinct bytes: a blank page?")
    }
}
