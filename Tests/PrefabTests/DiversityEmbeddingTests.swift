import Foundation
import Testing
@testable import Prefab

@Suite struct DiversityEmbeddingTests {
    // MARK: Eigen-solver

    private func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-9) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    @Test func eigenvaluesOfSmallKnownMatrices() throws {
        #expect(close(try SymmetricEigensolver.eigenvalues(of: [3, 0, 0, 0, 1, 0, 0, 0, 2], dimension: 3), [1, 2, 3]))
        #expect(close(try SymmetricEigensolver.eigenvalues(of: [2, 1, 1, 2], dimension: 2), [1, 3]))
        #expect(try SymmetricEigensolver.eigenvalues(of: [7], dimension: 1) == [7])
        // [[4,1,2],[1,3,0],[2,0,5]]: characteristic polynomial −λ³ + 12λ² − 42λ + 43.
        let values = try SymmetricEigensolver.eigenvalues(of: [4, 1, 2, 1, 3, 0, 2, 0, 5], dimension: 3)
        #expect(abs(values.reduce(0, +) - 12) < 1e-10)
        #expect(abs(values[0] * values[1] * values[2] - 43) < 1e-9)
        for value in values {
            #expect(abs(-value * value * value + 12 * value * value - 42 * value + 43) < 1e-9)
        }
    }

    @Test func eigenvaluesOfTheSecondDifferenceMatrixMatchTheClosedForm() throws {
        let n = 60
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            matrix[i * n + i] = 2
            if i + 1 < n { matrix[i * n + i + 1] = -1; matrix[(i + 1) * n + i] = -1 }
        }
        let expected = (1...n).map { 2 - 2 * cos(Double($0) * .pi / Double(n + 1)) }.sorted()
        #expect(close(try SymmetricEigensolver.eigenvalues(of: matrix, dimension: n), expected))
        let tridiagonal = try SymmetricEigensolver.eigenvalues(
            diagonal: .init(repeating: 2, count: n), subdiagonal: .init(repeating: -1, count: n - 1))
        #expect(close(tridiagonal, expected))
    }

    @Test func eigenvaluesSurviveAHouseholderSimilarityWithRepeatedAndNegativeValues() throws {
        // A = H D Hᵀ with H = I − 2vvᵀ/vᵀv orthogonal, so A has exactly D's eigenvalues.
        let n = 40
        let spectrum: [Double] = (0..<n).map { i in i < 3 ? -2.5 : i < 8 ? 0 : Double(i) * 0.75 }
        var random = DiversityRandomSource(seed: 11)
        let v = (0..<n).map { _ in Double(random.next() % 2001) / 1000 - 1 }
        let vv = v.reduce(0) { $0 + $1 * $1 }
        func h(_ i: Int, _ j: Int) -> Double { (i == j ? 1 : 0) - 2 * v[i] * v[j] / vv }
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for k in 0..<n { sum += h(i, k) * spectrum[k] * h(j, k) }
                matrix[i * n + j] = sum
            }
        }
        #expect(close(try SymmetricEigensolver.eigenvalues(of: matrix, dimension: n), spectrum.sorted(), tolerance: 1e-10))
    }

    @Test func eigenvaluesOfARankOneMatrix() throws {
        let u: [Double] = [1, -2, 3, 0.5, 4]
        let n = u.count
        let matrix = (0..<n * n).map { u[$0 / n] * u[$0 % n] }
        let values = try SymmetricEigensolver.eigenvalues(of: matrix, dimension: n)
        #expect(close(values, [0, 0, 0, 0, u.reduce(0) { $0 + $1 * $1 }], tolerance: 1e-12))
    }

    // MARK: Vendi score

    @Test func vendiOfIdenticalDocumentsIsOne() throws {
        let embedding: [Float] = [0.3, -1.2, 0.5, 2, 0.1]
        #expect(abs(try VendiScore(embeddings: Array(repeating: embedding, count: 7)).score - 1) < 1e-9)
        // n > d: still one direction.
        let many = Array(repeating: [1.0, 2.0], count: 50)
        #expect(abs(try VendiScore(embeddings: many).score - 1) < 1e-9)
    }

    @Test func vendiOfOrthogonalDocumentsIsTheirNumber() throws {
        let identity = (0..<6).map { i in (0..<6).map { $0 == i ? 1.0 : 0.0 } }
        #expect(abs(try VendiScore(embeddings: identity).score - 6) < 1e-9)
        // Four orthogonal directions, scaled differently, in ten dimensions (n < d).
        let four = (0..<4).map { i in (0..<10).map { $0 == i ? Double(i + 1) : 0 } }
        #expect(abs(try VendiScore(embeddings: four).score - 4) < 1e-9)
    }

    @Test func vendiThroughTheCovarianceMatchesTheSimilarityMatrix() throws {
        // Two directions, each repeated: K/n has eigenvalues ½, ½ → VS = 2 (n = 4 > d = 2).
        #expect(abs(try VendiScore(embeddings: [[1.0, 0], [1, 0], [0, 3], [0, 1]]).score - 2) < 1e-9)
        // Three unit vectors 120° apart in the plane: XᵀX/3 = I/2 → VS = 2.
        let star = (0..<3).map { k in [cos(2 * Double.pi * Double(k) / 3), sin(2 * Double.pi * Double(k) / 3)] }
        #expect(abs(try VendiScore(embeddings: star).score - 2) < 1e-9)
        // Two vectors with cosine 0.6: eigenvalues of K/2 are 0.8 and 0.2.
        let pair = [[1.0, 0], [0.6, 0.8]]
        let entropy = -(0.8 * log(0.8) + 0.2 * log(0.2))
        #expect(abs(try VendiScore(embeddings: pair).score - exp(entropy)) < 1e-9)

        // Random vectors, n = 30 > d = 8: the d×d route against the eigenvalues of K/n itself.
        var random = DiversityRandomSource(seed: 5)
        let vectors = (0..<30).map { _ in (0..<8).map { _ in Double(random.next() % 2001) / 1000 - 1 } }
        let unit = try UnitEmbeddings(vectors)
        var gram = [Double](repeating: 0, count: 30 * 30)
        unit.gram(into: &gram)
        let spectrum = try SymmetricEigensolver.eigenvalues(of: gram.map { $0 / 30 }, dimension: 30).filter { $0 > 1e-12 }
        let direct = exp(-spectrum.reduce(0) { $0 + $1 * log($1) })
        #expect(abs(try VendiScore(embeddings: vectors).score - direct) < 1e-9)
    }

    @Test func vendiRejectsEmbeddingsItCannotCompare() {
        #expect(throws: DiversityError.zeroEmbedding(index: 1)) { try VendiScore(embeddings: [[1.0, 0], [0, 0]]) }
        #expect(throws: DiversityError.embeddingDimensionMismatch(index: 1, expected: 2, found: 3)) {
            try VendiScore(embeddings: [[1.0, 0], [0, 1, 0]])
        }
        #expect(throws: DiversityError.noDocuments) { try VendiScore(embeddings: [[Double]]()) }
        #expect(throws: DiversityError.nonFiniteEmbedding(index: 0)) { try VendiScore(embeddings: [[Double.nan, 1]]) }
    }

    // MARK: Cluster count

    @Test func clusterCountFindsSeparatedGroups() throws {
        var random = DiversityRandomSource(seed: 3)
        func near(_ axis: Int) -> [Double] {
            (0..<6).map { ($0 == axis ? 1 : 0) + Double(random.next() % 101) / 1000 - 0.05 }
        }
        let vectors = (0..<5).map { _ in near(0) } + (0..<3).map { _ in near(1) } + (0..<2).map { _ in near(4) }
        let result = try EmbeddingClusterCount(embeddings: vectors, threshold: 0.8)
        #expect(result.clusters == 3)
        #expect(result.largestCluster == 5)
        #expect(result.sampleSize == 10)
        #expect(try EmbeddingClusterCount(embeddings: vectors, threshold: -1).clusters == 1)
        #expect(try EmbeddingClusterCount(embeddings: vectors, threshold: 1.01).clusters == 10)
    }

    @Test func nearestNeighbourChainAgreesWithNaiveAverageLinkage() throws {
        var random = DiversityRandomSource(seed: 21)
        // Clumpy random data: 40 points around 6 random centres in 5 dimensions.
        let centres = (0..<6).map { _ in (0..<5).map { _ in Double(random.next() % 2001) / 1000 - 1 } }
        let vectors = (0..<40).map { _ in
            centres[Int(random.next() % 6)].map { $0 + (Double(random.next() % 601) / 1000 - 0.3) }
        }
        let unit = try UnitEmbeddings(vectors)
        for threshold in [0.2, 0.5, 0.7, 0.85, 0.95] {
            #expect(try EmbeddingClusterCount(embeddings: vectors, threshold: threshold).clusters
                    == naiveAverageLinkageClusters(unit, threshold: threshold), "threshold \(threshold)")
        }
    }

    /// Textbook agglomeration: repeatedly merge the pair of clusters with the highest mean
    /// pairwise similarity, recomputed from the points, while it is at least the threshold.
    private func naiveAverageLinkageClusters(_ unit: UnitEmbeddings, threshold: Double) -> Int {
        var clusters = (0..<unit.count).map { [$0] }
        while clusters.count > 1 {
            var best = (-Double.infinity, 0, 0)
            for i in clusters.indices {
                for j in (i + 1)..<clusters.count {
                    var sum = 0.0
                    for a in clusters[i] { for b in clusters[j] { sum += unit.similarity(a, b) } }
                    let mean = sum / Double(clusters[i].count * clusters[j].count)
                    if mean > best.0 { best = (mean, i, j) }
                }
            }
            guard best.0 >= threshold else { break }
            clusters[best.1] += clusters[best.2]
            clusters.remove(at: best.2)
        }
        return clusters.count
    }

    @Test func clusterCountSamplesLargeCorporaReproducibly() throws {
        let vectors = (0..<300).map { i in (0..<4).map { $0 == i % 4 ? 1.0 : 0.1 } }
        let first = try EmbeddingClusterCount(embeddings: vectors, threshold: 0.9, maxSample: 50, seed: 2)
        #expect(first.sampleSize == 50)
        #expect(first.clusters == 4)
        #expect(first == (try EmbeddingClusterCount(embeddings: vectors, threshold: 0.9, maxSample: 50, seed: 2)))
    }

    // MARK: Embeddings

    @Test func hashingEmbedderGivesUnitVectorsThatFollowWordOverlap() async throws {
        let embedder = HashingEmbedder(dimension: 64)
        let vectors = try await embedder.embedAll(["the cat sat on the mat", "The cat sat on the mat!", "quantum chromodynamics lecture", ""])
        for vector in vectors {
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
        }
        #expect(vectors[0] == vectors[1])
        #expect(vectors[3][0] == 1)
    }

    @Test func embedAllKeepsOrderAcrossBatchesAndChecksCounts() async throws {
        struct Numbered: EmbeddingProvider {
            var embeddingModelName: String { "numbered" }
            var maximumBatchSize: Int { 3 }
            func embed(_ texts: [String]) async throws -> [[Float]] { texts.map { [Float($0)!, 1] } }
        }
        let texts = (0..<10).map(String.init)
        let vectors = try await Numbered().embedAll(texts, concurrency: 3)
        #expect(vectors.map { $0[0] } == (0..<10).map(Float.init))

        struct Short: EmbeddingProvider {
            var embeddingModelName: String { "short" }
            func embed(_ texts: [String]) async throws -> [[Float]] { [[1]] }
        }
        await #expect(throws: DiversityError.embeddingCountMismatch(sent: 2, received: 1)) {
            try await Short().embedAll(["a", "b"])
        }
    }
}
