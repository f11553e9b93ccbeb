import PrefabShards

/// Deterministic synthetic preference pairs shaped like `ultrafeedback_binarized` rows
/// (prompt, chosen/rejected message lists, messages, scores, models), with English-like text
/// drawn Zipf-style from a fixed vocabulary plus some numbers, code and non-ASCII words, so
/// zstd sees a realistic compression ratio (about 3–4× at level 3).
struct PreferenceRecordGenerator {
    private var random: SplitMix64

    init(seed: UInt64 = 0x5EED) { random = SplitMix64(seed: seed) }

    private static let vocabulary: [String] = {
        let common = """
            the of and to a in is it you that he was for on are with as I his they be at one have this from or had by \
            not word but what some we can out other were all there when up use your how said an each she which do their \
            time if will way about many then them write would like so these her long make thing see him two has look more \
            day could go come did number sound no most people my over know water than call first who may down side been now \
            find any new work part take get place made live where after back little only round man year came show every good \
            me give our under name very through just form sentence great think say help low line differ turn cause much mean \
            before move right boy old too same tell does set three want air well also play small end put home read hand port \
            large spell add even land here must big high such follow act why ask men change went light kind off need house \
            picture try us again animal point mother world near build self earth father head stand own page should country \
            found answer school grow study still learn plant cover food sun four between state keep eye never last let thought \
            city tree cross farm hard start might story saw far sea draw left late run while press close night real life few \
            north open seem together next white children begin got walk example ease paper group always music those both mark \
            often letter until mile river car feet care second book carry took science eat room friend began idea fish mountain \
            stop once base hear horse cut sure watch color face wood main enough plain girl usual young ready above ever red \
            list though feel talk bird soon body dog family direct pose leave song measure door product black short numeral \
            class wind question happen complete ship area half rock order fire south problem piece told knew pass since top \
            whole king space heard best hour better true during hundred five remember step early hold west ground interest \
            reach fast verb sing listen six table travel less morning ten simple several vowel toward war lay against pattern \
            slow center love person money serve appear road map rain rule govern pull cold notice voice unit power town fine \
            certain fly fall lead cry dark machine note wait plan figure star box noun field rest correct able pound done \
            beauty drive stood contain front teach week final gave green oh quick develop ocean warm free minute strong \
            special mind behind clear tail produce fact street inch multiply nothing course stay wheel full force blue object \
            decide surface deep moon island foot system busy test record boat common gold possible plane stead dry wonder laugh \
            thousand ago ran check game shape equate hot miss brought heat snow tire bring yes distant fill east paint language \
            among function variable return value model answer response assistant user helpful honest harmless because therefore \
            however example consider step solution equation result compute algorithm data training dataset preference reward
            """
        let extra = ["café", "naïve", "résumé", "Ωμέγα", "日本語", "données", "straße", "😀", "→", "½"]
        return common.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init) + extra
    }()

    private mutating func next() -> UInt64 {
        random.next()
    }

    private mutating func uniform(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// Zipf-ish: small indexes much more often.
    private mutating func word() -> String {
        let r = Double(next() >> 11) / Double(1 << 53)
        let index = Int(Double(Self.vocabulary.count) * r * r * r)
        return Self.vocabulary[min(index, Self.vocabulary.count - 1)]
    }

    private mutating func text(words: ClosedRange<Int>) -> String {
        let count = uniform(words)
        var out = ""
        out.reserveCapacity(count * 6)
        var sentenceStart = true
        for position in 0..<count {
            if position > 0 { out += " " }
            let roll = next() % 100
            if roll < 3 {
                out += String(next() % 10_000)
            } else if roll < 4 {
                out += "`x_\(next() % 100) = f(\(next() % 10))`"
            } else {
                let w = word()
                out += sentenceStart ? w.prefix(1).uppercased() + w.dropFirst() : w
            }
            sentenceStart = false
            if next() % 12 == 0 {
                out += next() % 5 == 0 ? ".\n" : "."
                sentenceStart = true
            } else if next() % 15 == 0 {
                out += ","
            }
        }
        return out + "."
    }

    private static let models = ["gpt-4o-mini", "claude-3-5-haiku", "llama-3.1-8b-instruct", "qwen2.5-7b-instruct", "mistral-7b-instruct", "smollm2-135m-instruct"]

    mutating func record(_ index: Int) -> JSONObject {
        let prompt = text(words: 10...120)
        let chosenText = text(words: 40...400)
        let rejectedText = text(words: 20...300)
        let chosenScore = Double(uniform(12...20)) / 2
        let rejectedScore = Double(uniform(2...11)) / 2
        let chosen: JSONValue = [["role": "user", "content": .string(prompt)], ["role": "assistant", "content": .string(chosenText)]]
        let rejected: JSONValue = [["role": "user", "content": .string(prompt)], ["role": "assistant", "content": .string(rejectedText)]]
        return [
            "prompt": .string(prompt),
            "prompt_id": .string(Digest.sha256Hex("\(index):" + prompt)),
            "chosen": chosen,
            "rejected": rejected,
            "messages": chosen,
            "score_chosen": .double(chosenScore),
            "score_rejected": .double(rejectedScore),
            "margin": .double(chosenScore - rejectedScore),
            "chosen_model": .string(Self.models[uniform(0...5)]),
            "rejected_model": .string(Self.models[uniform(0...5)]),
            "source": .string(["ultrachat", "sharegpt", "flan", "evol_instruct", "truthful_qa"][uniform(0...4)]),
        ]
    }

    /// The MDS columns of `record(_:)`.
    static let columns: [MDSColumn] = [
        MDSColumn(name: "prompt", encoding: .str), MDSColumn(name: "prompt_id", encoding: .str),
        MDSColumn(name: "chosen", encoding: .json), MDSColumn(name: "rejected", encoding: .json),
        MDSColumn(name: "messages", encoding: .json), MDSColumn(name: "score_chosen", encoding: .float64),
        MDSColumn(name: "score_rejected", encoding: .float64), MDSColumn(name: "margin", encoding: .float64),
        MDSColumn(name: "chosen_model", encoding: .str), MDSColumn(name: "rejected_model", encoding: .str),
        MDSColumn(name: "source", encoding: .str),
    ]
}
