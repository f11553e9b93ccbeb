import Foundation

/// The cluster agent's steps, as its `StructuredChatRequest`s name them.
extension StructuredChatRequest.Purpose {
    public static let proposeCriteria = Self(rawValue: "propose_criteria")
    public static let mergeCriteria = Self(rawValue: "merge_criteria")
    public static let cluster = Self(rawValue: "cluster")
    public static let verifyClusters = Self(rawValue: "verify_clusters")
}

/// The cluster agent's prompts and JSON schemas, written for Prefab. Every schema bounds its
/// strings (`maxLength`) and arrays, so a small model cannot ramble past `max_tokens` inside a
/// field and return cut-off JSON.
enum ClusterAgentPrompts {
    static let system = """
        You compare collections of texts and judge how the texts in them differ. \
        You answer with JSON only, following the schema you are given.
        """

    // MARK: Step 1a: criteria proposals

    static func proposeCriteria(samples: [String], seed: Int) -> StructuredChatRequest {
        let user = """
            Here are \(samples.count) texts picked at random from one collection.

            \(numbered(samples))

            Propose criteria by which texts of this collection could be sorted into groups of \
            similar texts:
            - "attributes": 3 to 5 descriptive attributes, each a quality or category a text has \
            (for example its subject, its form, its purpose, its tone);
            - "metrics": 3 to 5 qualities that can be scored from 1 (least) to 5 (most).
            Give each a short name and a one-sentence description. Prefer criteria on which these \
            texts actually differ.
            """
        let item = object(["name": string(60), "description": string(240)])
        let schema = object([
            "attributes": array(of: item, minimum: 3, maximum: 5),
            "metrics": array(of: item, minimum: 3, maximum: 5),
        ])
        return StructuredChatRequest(
            purpose: .proposeCriteria, system: system, user: user,
            schemaName: "criteria_proposal", schema: encode(schema), seed: seed)
    }

    // MARK: Step 1b: merging the proposals

    static func mergeCriteria(proposals: [ClusterAgentReply.CriteriaProposal], maximum: Int, seed: Int) -> StructuredChatRequest {
        var listing = ""
        for (round, proposal) in proposals.enumerated() {
            listing += "Proposal \(round + 1)\n"
            for attribute in proposal.attributes { listing += "- attribute \(attribute.name): \(attribute.description)\n" }
            for metric in proposal.metrics { listing += "- metric \(metric.name): \(metric.description)\n" }
            listing += "\n"
        }
        let user = """
            Several reviewers each looked at a few texts from one collection and proposed criteria \
            for telling its texts apart. Their proposals:

            \(listing)\
            Merge them into at most \(maximum) criteria: join proposals that mean the same thing, \
            keep the ones that best separate texts of this collection, and drop the rest. For each \
            criterion give a short name, its kind ("attribute" for a descriptive quality or \
            category, "metric" for a quality scored 1 to 5), and a summary of exactly one sentence.
            """
        let criterion = object([
            "name": string(60),
            "kind": ["type": "string", "enum": ["attribute", "metric"]],
            "summary": string(240),
        ])
        let schema = object(["criteria": array(of: criterion, minimum: 1, maximum: maximum)])
        return StructuredChatRequest(
            purpose: .mergeCriteria, system: system, user: user,
            schemaName: "merged_criteria", schema: encode(schema), seed: seed)
    }

    // MARK: Step 2a: clustering

    static func cluster(samples: [String], criteria: [ClusterAgentCriterion], seed: Int) -> StructuredChatRequest {
        let k = samples.count
        let user = """
            Criteria for comparing texts:
            \(criteriaListing(criteria))

            Here are \(k) texts, numbered 1 to \(k).

            \(numbered(samples))

            Sort these texts into clusters of texts that are alike under the criteria. A text that \
            is like none of the others is a cluster on its own. Every number from 1 to \(k) must \
            appear in exactly one cluster. For each cluster give the numbers of its texts, your \
            reasoning in one or two sentences, the value of each attribute, and a score from 1 to 5 \
            for each metric.
            """
        let cluster = object([
            "indices": array(of: ["type": "integer", "minimum": 1, "maximum": k], minimum: 1, maximum: k, unique: true),
            "reasoning": string(300),
            "attributes": array(of: object(["name": string(60), "value": string(120)]), minimum: 0, maximum: 8),
            "scores": array(
                of: object(["name": string(60), "score": ["type": "integer", "minimum": 1, "maximum": 5]]),
                minimum: 0, maximum: 8),
        ])
        let schema = object(["clusters": array(of: cluster, minimum: 1, maximum: k)])
        return StructuredChatRequest(
            purpose: .cluster, system: system, user: user,
            schemaName: "clusters", schema: encode(schema), seed: seed)
    }

    // MARK: Step 2b: verification

    static func verify(
        samples: [String], criteria: [ClusterAgentCriterion], clusters: [ClusterAgentReply.Cluster], seed: Int
    ) -> StructuredChatRequest {
        var listing = ""
        for (number, cluster) in clusters.enumerated() {
            let members = cluster.indices.map(String.init).joined(separator: ", ")
            listing += "Cluster \(number + 1): texts \(members). Reasoning: \(cluster.reasoning)\n"
        }
        let user = """
            Criteria for comparing texts:
            \(criteriaListing(criteria))

            Texts:

            \(numbered(samples))

            Someone sorted these texts into clusters:
            \(listing)
            Check every cluster. It is valid when all of its texts really are alike under the \
            criteria and its reasoning holds for each of them; a cluster of a single text is valid \
            when that text is unlike the others. Give a verdict for each cluster number from 1 to \
            \(clusters.count), once each.
            """
        let verdict = object([
            "cluster": ["type": "integer", "minimum": 1, "maximum": clusters.count],
            "valid": ["type": "boolean"],
            "reason": string(200),
        ])
        let schema = object(["verdicts": array(of: verdict, minimum: clusters.count, maximum: clusters.count)])
        return StructuredChatRequest(
            purpose: .verifyClusters, system: system, user: user,
            schemaName: "cluster_verdicts", schema: encode(schema), seed: seed)
    }

    // MARK: Helpers

    /// Texts as numbered, delimited blocks. The delimiters are XML-like so that a text
    /// containing blank lines or headings still reads as one text.
    static func numbered(_ samples: [String]) -> String {
        samples.enumerated()
            .map { "<text id=\"\($0.offset + 1)\">\n\($0.element)\n</text>" }
            .joined(separator: "\n\n")
    }

    static func criteriaListing(_ criteria: [ClusterAgentCriterion]) -> String {
        criteria.enumerated().map { index, criterion in
            let kind = criterion.kind == .metric ? "metric, scored 1 to 5" : "attribute"
            return "\(index + 1). \(criterion.name) (\(kind)): \(criterion.summary)"
        }.joined(separator: "\n")
    }

    private static func string(_ maxLength: Int) -> [String: Any] {
        ["type": "string", "maxLength": maxLength]
    }

    private static func array(of items: [String: Any], minimum: Int, maximum: Int, unique: Bool = false) -> [String: Any] {
        var schema: [String: Any] = ["type": "array", "items": items, "minItems": minimum, "maxItems": maximum]
        if unique { schema["uniqueItems"] = true }
        return schema
    }

    /// A closed object whose every property is required.
    private static func object(_ properties: [String: [String: Any]]) -> [String: Any] {
        ["type": "object", "properties": properties, "required": properties.keys.sorted(), "additionalProperties": false]
    }

    private static func encode(_ schema: [String: Any]) -> Data {
        // The schema is built from literals above, so serialisation cannot fail.
        (try? JSONSerialization.data(withJSONObject: schema, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
