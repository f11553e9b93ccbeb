import Testing
import PrefabShards

@Suite struct DigestTests {
    @Test func sha256MatchesTheFIPSVectorForABC() {
        #expect(Digest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func streamingUpdatesEqualOneShot() {
        var digest = Digest(.sha1)
        digest.update(Array("hello ".utf8))
        digest.update(Array("world".utf8))
        #expect(digest.finalizeHex() == Digest.hex(.sha1, of: Array("hello world".utf8)))
        #expect(Digest.hex(.sha1, of: Array("hello world".utf8)) == "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed")
    }

    @Test func md5OfEmptyInputIsTheKnownValue() {
        #expect(Digest.hex(.md5, of: [UInt8]()) == "d41d8cd98f00b204e9800998ecf8427e")
    }
}
