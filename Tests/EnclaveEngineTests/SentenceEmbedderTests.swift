// Enclave: all-MiniLM-L6-v2 embeddings against the reference vectors of engine-facts.md §7.5 (release build).

import EnclaveEngine
import Foundation
import Testing

@Suite struct SentenceEmbedderTests {
    static let food = "A man is eating food."
    static let bread = "A man is eating a piece of bread."

    static func embedder(threads: Int = 2) throws -> SentenceEmbedder {
        try SentenceEmbedder(directory: TestModels.require(TestModels.miniLM), threads: threads)
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let na = a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let nb = b.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        return dot / (na * nb)
    }

    @Test func reproducesTheReferenceVectors() throws {
        let embedder = try Self.embedder()
        #expect(embedder.dimensions == 384)
        #expect(embedder.maxSequenceLength == 256)
        let vectors = embedder.embed([Self.food, Self.bread])
        let foodReference: [Float] = [0.033242, 0.004406, -0.006277, 0.048379, -0.138702]
        let breadReference: [Float] = [0.052518, 0.055241, -0.011188, -0.005745, -0.127208]
        for (got, want) in zip(vectors[0].prefix(5), foodReference) { #expect(abs(got - want) < 1e-3, "food: \(got) vs \(want)") }
        for (got, want) in zip(vectors[1].prefix(5), breadReference) { #expect(abs(got - want) < 1e-3, "bread: \(got) vs \(want)") }
        #expect(abs(Self.cosine(vectors[0], vectors[1]) - 0.755337) < 1e-3)
        for v in vectors {
            #expect(v.count == 384)
            #expect(abs(v.reduce(0.0) { $0 + Double($1) * Double($1) } - 1) < 1e-5)
        }
    }

    @Test func aBatchGivesTheVectorsOfItsSentencesAlone() throws {
        let embedder = try Self.embedder()
        let texts = [Self.bread, "", Self.food, String(repeating: "long words here ", count: 120), "Héllo, WORLD! 東京 don't"]
        let batch = embedder.embed(texts)
        for (text, vector) in zip(texts, batch) {
            let alone = embedder.embed([text])[0]
            #expect(zip(alone, vector).allSatisfy { abs($0 - $1) < 1e-5 }, "\(text.prefix(20))")
        }
        #expect(batch[0] != batch[2])
    }

    @Test func onePassOrManyAndOneThreadOrTwoAgree() throws {
        let model = try TestModels.require(TestModels.miniLM)
        let texts = (0..<40).map { "Sentence number \($0) talks about \($0 % 3 == 0 ? "food" : "bread") and more." }
        let two = try Self.embedder(threads: 2).embed(texts)
        let one = try SentenceEmbedder(directory: model, threads: 1, maxTokensPerPass: 300).embed(texts)
        for (a, b) in zip(one, two) { #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }) }
    }

    @Test func tokenIdInputMatchesTextInput() throws {
        let embedder = try Self.embedder()
        let ids = embedder.tokenize(Self.food)
        #expect(ids == [101, 1037, 2158, 2003, 5983, 2833, 1012, 102])
        #expect(embedder.embed(tokenized: [ids]) == embedder.embed([Self.food]))
    }
}
