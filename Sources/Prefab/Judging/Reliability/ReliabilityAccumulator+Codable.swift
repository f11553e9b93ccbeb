/// The accumulator's counts as JSON (`OUT/parts/…/agreement.json`), so `prefab merge` adds the
/// partitions' coincidence matrices, contingency tables and judge counts (`merge(_:)`) and
/// computes alpha, kappa and rho once over all of them, as one process would have: averaging
/// the partitions' figures would weigh a small partition like a large one and is not how any
/// of these statistics combine.
extension ReliabilityAccumulator: Codable {
    private struct Cell: Codable {
        var first: Double
        var second: Double
        var count: Double
    }

    private struct Table: Codable {
        var first: String
        var second: String
        var cells: [Cell]
    }

    private enum CodingKeys: String, CodingKey {
        case coincidences
        case pairableUnits = "pairable_units"
        case tables, judges
    }

    private static func cells(_ cells: [ValuePair: Double]) -> [Cell] {
        cells.sorted { ($0.key.first, $0.key.second) < ($1.key.first, $1.key.second) }
            .map { Cell(first: $0.key.first, second: $0.key.second, count: $0.value) }
    }

    private static func cells(_ cells: [Cell]) -> [ValuePair: Double] {
        Dictionary(cells.map { (ValuePair($0.first, $0.second), $0.count) }, uniquingKeysWith: +)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.cells(coincidences.cells), forKey: .coincidences)
        try c.encode(coincidences.pairableUnits, forKey: .pairableUnits)
        let tables = tables.sorted { ($0.key.first, $0.key.second) < ($1.key.first, $1.key.second) }
            .map { Table(first: $0.key.first, second: $0.key.second, cells: Self.cells($0.value.cells)) }
        try c.encode(tables, forKey: .tables)
        try c.encode(judges, forKey: .judges)
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        coincidences.cells = Self.cells(try c.decode([Cell].self, forKey: .coincidences))
        coincidences.pairableUnits = try c.decode(Int.self, forKey: .pairableUnits)
        for table in try c.decode([Table].self, forKey: .tables) {
            var contingency = ContingencyTable()
            contingency.cells = Self.cells(table.cells)
            tables[JudgePair(first: table.first, second: table.second)] = contingency
        }
        judges = try c.decode([String: JudgeFigures].self, forKey: .judges)
    }
}
