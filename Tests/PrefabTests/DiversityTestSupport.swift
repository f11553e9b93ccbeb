import Foundation
@testable import Prefab

/// A chat model scripted by a closure, standing in for an endpoint at the edge of the unit tests.
/// It records every request, and tells the script how many times it has already seen the same
/// user message (so a script can answer badly first and well on the retry).
actor ScriptedChat: StructuredChat {
    typealias Script = @Sendable (_ request: StructuredChatRequest, _ seenBefore: Int) -> String

    private let script: Script
    private(set) var requests: [StructuredChatRequest] = []
    private var seen: [String: Int] = [:]

    init(_ script: @escaping Script) {
        self.script = script
    }

    func respond(to request: StructuredChatRequest) async throws -> String {
        requests.append(request)
        let key = "\(request.purpose.rawValue)\n\(request.user)"
        let count = seen[key, default: 0]
        seen[key] = count + 1
        return script(request, count)
    }

    func requests(_ purpose: StructuredChatRequest.Purpose) -> [StructuredChatRequest] {
        requests.filter { $0.purpose == purpose }
    }
}

/// Helpers for reading the cluster agent's prompts and writing well-formed answers.
enum ClusterAgentScript {
    /// The texts shown in a prompt, in their numbered order.
    static func texts(in prompt: String) -> [String] {
        var texts: [String] = []
        var rest = prompt[...]
        while let open = rest.range(of: "<text id=\""), let bodyStart = rest[open.upperBound...].range(of: "\">\n"),
              let close = rest[bodyStart.upperBound...].range(of: "\n</text>") {
            texts.append(String(rest[bodyStart.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return texts
    }

    /// The number of clusters listed in a verification prompt.
    static func clusterCount(in prompt: String) -> Int {
        prompt.components(separatedBy: "\nCluster ").count - 1
    }

    static let proposal = """
        {"attributes": [{"name": "topic", "description": "What the text is about."},
                        {"name": "form", "description": "Whether it is a list, prose or code."},
                        {"name": "opening", "description": "How the text begins."}],
         "metrics": [{"name": "length", "description": "How long the text is."},
                     {"name": "formality", "description": "How formal the wording is."},
                     {"name": "specificity", "description": "How concrete the details are."}]}
        """

    static let merged = """
        {"criteria": [{"name": "topic", "kind": "attribute", "summary": "The subject the text addresses."},
                      {"name": "wording", "kind": "attribute", "summary": "The phrasing and template the text follows."},
                      {"name": "specificity", "kind": "metric", "summary": "How concrete and detailed the text is."}]}
        """

    /// A clustering answer for the given groups of 1-based indices.
    static func clusters(_ groups: [[Int]]) -> String {
        let items = groups.map { group in
            """
            {"indices": [\(group.map(String.init).joined(separator: ", "))], "reasoning": "These texts read alike.",
             "attributes": [{"name": "topic", "value": "general"}], "scores": [{"name": "specificity", "score": 3}]}
            """
        }
        return "{\"clusters\": [\(items.joined(separator: ", "))]}"
    }

    /// A verification answer: `valid[i]` for cluster i + 1.
    static func verdicts(_ valid: [Bool]) -> String {
        let items = valid.enumerated().map { index, ok in
            "{\"cluster\": \(index + 1), \"valid\": \(ok), \"reason\": \"checked\"}"
        }
        return "{\"verdicts\": [\(items.joined(separator: ", "))]}"
    }

    /// A stand-in for a sensible model: groups texts greedily by word overlap (Jaccard ≥ 0.5
    /// with the group's first text), says every cluster is valid, and otherwise answers the
    /// criteria steps with fixed proposals.
    static func overlapClusterer(_ request: StructuredChatRequest, _ seenBefore: Int) -> String {
        switch request.purpose {
        case .proposeCriteria: return proposal
        case .mergeCriteria: return merged
        case .verifyClusters: return verdicts(Array(repeating: true, count: clusterCount(in: request.user)))
        case .cluster:
            let words = texts(in: request.user).map { Set(DiversityTokenizer.tokens($0)) }
            var groups: [[Int]] = []
            for (index, set) in words.enumerated() {
                if let g = groups.firstIndex(where: { group in
                    let head = words[group[0] - 1]
                    return Double(head.intersection(set).count) / Double(max(1, head.union(set).count)) >= 0.5
                }) {
                    groups[g].append(index + 1)
                } else {
                    groups.append([index + 1])
                }
            }
            return clusters(groups)
        default:
            return ""
        }
    }
}

/// The two corpora of the issue's "done means": 1,000 responses stamped from a single template,
/// and 1,000 varied ones, both generated deterministically.
enum DiversityCorpusGenerator {
    static let topics = ["your garden", "the invoice", "Python lists", "the weather", "a birthday party",
                         "the train timetable", "your password", "a sourdough loaf", "the essay", "the budget"]

    /// One template, with only a topic and a number filled in.
    static func templated(count: Int = 1000, seed: UInt64 = 1) -> [String] {
        var random = DiversityRandomSource(seed: seed)
        return (0..<count).map { _ in
            let topic = topics[Int(random.next() % UInt64(topics.count))]
            let number = random.next() % 100
            return "Thank you for your question about \(topic). The short answer is \(number). "
                + "I hope this helps you with \(topic), and let me know if you have any other questions."
        }
    }

    /// Varied responses: different openings, structures and lengths, over a vocabulary of a few
    /// thousand generated words, so neither phrasing nor content repeats much.
    static func varied(count: Int = 1000, seed: UInt64 = 2) -> [String] {
        var random = DiversityRandomSource(seed: seed)
        let syllables = ["ka", "lo", "mi", "ren", "tus", "va", "dor", "ple", "xi", "qua", "sen", "bri",
                         "mo", "fal", "gre", "hu", "jin", "ost", "pra", "wel", "zo", "cy", "nek", "tra"]
        let vocabulary = (0..<4000).map { _ in
            (0..<(2 + Int(random.next() % 3))).map { _ in syllables[Int(random.next() % UInt64(syllables.count))] }.joined()
        }
        let openings = ["Consider", "First,", "In short:", "Here is how", "Well,", "Step one:", "Interesting question;",
                        "Historically", "To be precise,", "Imagine"]
        func word() -> String { vocabulary[Int(random.next() % UInt64(vocabulary.count))] }
        return (0..<count).map { _ in
            var sentences: [String] = []
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let words = (0..<(5 + Int(random.next() % 12))).map { _ in word() }
                sentences.append(words.joined(separator: " ") + (random.next() % 3 == 0 ? "?" : "."))
            }
            return openings[Int(random.next() % UInt64(openings.count))] + " " + sentences.joined(separator: " ")
        }
    }
}
