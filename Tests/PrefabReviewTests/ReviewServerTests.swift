import Foundation
import Prefab
import PrefabTestSupport
import Testing

/// `prefab review` as a user starts it: the built binary, talked to over HTTP with curl.
@Suite("prefab review: the server", .timeLimit(.minutes(10)))
struct ReviewServerTests {
    /// A running `prefab review`, its URL read from the first line it prints.
    final class Served {
        let process = Process()
        let url: String

        init(_ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: try BuiltProduct.path("prefab"))
            process.arguments = ["review"] + arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while !line.contains(0x0A) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            url = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        }

        /// The URL without its query (the token).
        var base: String { url.split(separator: "?").first.map(String.init) ?? url }
        var token: String? { url.components(separatedBy: "token=").dropFirst().first }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    @Test func aNonLoopbackBindWithoutItsTokenGets401AndThePrintedURLGetsIn() async throws {
        let run = try ReviewFixtures.makeRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let served = try Served([run, "--host", "0.0.0.0", "--port", "0"])
        defer { served.stop() }
        #expect(served.url.hasPrefix("http://0.0.0.0:"))
        let token = try #require(served.token)
        #expect(token.count == 64, "a random 32-byte token")
        for path in ["", "review.js", "api/config", "api/queue", "api/item?prompt_id=calm"] {
            let refused = try await SimulatorHarness.curl(served.base + path)
            #expect(refused.status == 401, "\(path)")
            #expect(!refused.text.contains("calm"), "\(path): a refusal shows nothing of the run")
        }
        let wrong = try await SimulatorHarness.curl(served.base + "api/config", headers: ["Authorization": "Bearer " + String(token.reversed())])
        #expect(wrong.status == 401)
        let page = try await SimulatorHarness.curl(served.url)
        #expect(page.status == 200)
        #expect(page.headers["set-cookie"]?.hasPrefix("prefab_review_token=\(token); Path=/; HttpOnly; SameSite=Strict") == true)
        let bearer = try await SimulatorHarness.curl(served.base + "api/config", headers: ["Authorization": "Bearer " + token])
        #expect(bearer.status == 200)
        let cookie = try await SimulatorHarness.curl(served.base + "api/queue", headers: ["Cookie": "prefab_review_token=" + token])
        #expect(cookie.status == 200)
    }

    @Test func aGivenTokenIsRequiredOnLoopbackToo() async throws {
        let run = try ReviewFixtures.makeRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let served = try Served([run, "--port", "0", "--token", "s3cret-token"])
        defer { served.stop() }
        #expect(served.url.hasSuffix("/?token=s3cret-token"))
        #expect(try await SimulatorHarness.curl(served.base + "api/config").status == 401)
        #expect(try await SimulatorHarness.curl(served.url).status == 200)
    }

    @Test func thePageLoadsNothingFromElsewhereAndALabelIsInReviewSqliteWhenTheAnswerComes() async throws {
        let run = try ReviewFixtures.makeRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let served = try Served([run, "--port", "0", "--reviewer", "ann"])
        defer { served.stop() }
        #expect(served.url.hasPrefix("http://127.0.0.1:") && served.token == nil)
        let page = try await SimulatorHarness.curl(served.url)
        #expect(page.status == 200)
        let policy = try #require(page.headers["content-security-policy"])
        #expect(policy.hasPrefix("default-src 'self'; script-src 'self'; style-src 'self'"))
        #expect(!policy.contains("unsafe"))
        #expect(page.headers["x-content-type-options"] == "nosniff")
        // One script and one stylesheet, both from this server; no inline script or style, no other host.
        #expect(page.text.components(separatedBy: "<script").count == 2 && page.text.contains("<script src=\"/review.js\" defer></script>"))
        #expect(!page.text.contains("<style") && !page.text.contains("http"))
        let script = try await SimulatorHarness.curl(served.base + "review.js")
        #expect(script.status == 200 && !script.text.contains("innerHTML") && !script.text.contains("http"))

        let queue = try await SimulatorHarness.curl(served.base + "api/queue?limit=2&reviewer=ann")
        let page1 = try #require(try queue.json()["page"] as? [String: Any])
        #expect((page1["entries"] as? [[String: Any]])?.compactMap { $0["prompt_id"] as? String } == ["split", "close"])

        let saved = try await SimulatorHarness.curl(
            served.base + "api/label", method: "POST", json: #"{"prompt_id": "split", "reviewer": "ann", "verdict": "B", "note": "<b>two</b>"}"#)
        #expect(saved.status == 200)
        #expect(try HumanVerdicts.load(runDirectory: run)?.verdict(for: "split") == .prefers(1))
        let progress = try #require(try saved.json()["progress"] as? [String: Int])
        #expect(progress == ["reviewed": 1, "total": 4, "mine": 1])

        for (body, field) in [
            (#"{"prompt_id": "split", "reviewer": "ann", "verdict": "C"}"#, "verdict"),
            (#"{"prompt_id": "nope", "reviewer": "ann", "verdict": "A"}"#, "prompt_id"),
            (#"{"prompt_id": "split", "reviewer": "", "verdict": "A"}"#, "reviewer"),
            (#"{"prompt_id": "split", "reviewer": "ann", "verdict": "A", "aspects": {"A/helpfulness": 9}}"#, "aspects"),
            (#"{"reviewer": "ann", "verdict": "A"}"#, "prompt_id"),
        ] {
            let refused = try await SimulatorHarness.curl(served.base + "api/label", method: "POST", json: body)
            #expect(refused.status == 400 || refused.status == 404, "\(body)")
            #expect(refused.text.contains(field), "\(body): \(refused.text)")
        }
        let undone = try await SimulatorHarness.curl(served.base + "api/undo", method: "POST", json: #"{"reviewer": "ann"}"#)
        #expect(undone.status == 200)
        #expect(try HumanVerdicts.load(runDirectory: run)?.isEmpty == true)
    }

    @Test func theExportWritesGoldPairsAndAnUnreviewedRunSaysWhatToDo() async throws {
        let run = try ReviewFixtures.makeRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let prefab = try BuiltProduct.path("prefab")
        let none = try await runProcess(prefab, ["review", run, "--export", run + "/gold.jsonl"])
        #expect(none.status == 1 && none.stderr.contains("prefab review"))
        #expect(!FileManager.default.fileExists(atPath: run + "/gold.jsonl"), "no half-written output")
        let missing = try await runProcess(prefab, ["review", run + "/absent"])
        #expect(missing.status == 1 && missing.stderr.contains("not a directory"))
    }
}
