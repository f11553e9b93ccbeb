import Foundation
import PrefabShards
import Testing

@testable import PrefabStorage

/// The signer against AWS's published Signature Version 4 examples: the IAM request in
/// "Examples of the complete Signature Version 4 signing process" and the S3 requests in
/// "Signature Calculations for the Authorization Header: Transferring Payload in a Single Chunk".
@Suite struct SigV4SignerTests {
    private static let s3Credentials = AWSCredentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", source: "test")
    /// 20130524T000000Z
    private static let s3Date = Date(timeIntervalSince1970: 1_369_353_600)

    private func signature(_ authorization: String?) -> String? {
        authorization?.components(separatedBy: "Signature=").last
    }

    @Test func hmacMatchesRFC4231TestCase2() {
        let mac = HMACSHA256.authenticate("what do ya want for nothing?", key: Array("Jefe".utf8))
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func signsTheIAMListUsersExample() {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", source: "test")
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "iam")
        #expect(Hex.encode(signer.signingKey(day: "20150830")) == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
        let request = SigV4Signer.Request(
            method: "GET", path: "/", query: [("Version", "2010-05-08"), ("Action", "ListUsers")],
            headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Host": "iam.amazonaws.com"],
            payloadHash: SigV4Signer.emptyPayloadHash)
        let added = signer.sign(request, at: Date(timeIntervalSince1970: 1_440_938_160))
        #expect(added["x-amz-date"] == "20150830T123600Z")
        #expect(added["Authorization"] == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
    }

    @Test func signsTheS3RangedGetExample() {
        let signer = SigV4Signer(credentials: Self.s3Credentials, region: "us-east-1", service: "s3")
        let request = SigV4Signer.Request(
            method: "GET", path: "/test.txt",
            headers: ["Host": "examplebucket.s3.amazonaws.com", "Range": "bytes=0-9", "x-amz-content-sha256": SigV4Signer.emptyPayloadHash],
            payloadHash: SigV4Signer.emptyPayloadHash)
        let authorization = signer.sign(request, at: Self.s3Date)["Authorization"]
        #expect(authorization?.contains("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,") == true)
        #expect(signature(authorization) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func signsTheS3PutObjectExampleWithAnEncodedKey() {
        let signer = SigV4Signer(credentials: Self.s3Credentials, region: "us-east-1", service: "s3")
        let body = Data("Welcome to Amazon S3.".utf8)
        let hash = Digest.sha256Hex(body)
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let request = SigV4Signer.Request(
            method: "PUT", path: "/" + SigV4Signer.uriEncode("test$file.text", keepSlash: true),
            headers: [
                "Host": "examplebucket.s3.amazonaws.com", "Date": "Fri, 24 May 2013 00:00:00 GMT",
                "x-amz-storage-class": "REDUCED_REDUNDANCY", "x-amz-content-sha256": hash,
            ],
            payloadHash: hash)
        let authorization = signer.sign(request, at: Self.s3Date)["Authorization"]
        #expect(signature(authorization) == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func signsTheS3ListObjectsExampleWithQueryParameters() {
        let signer = SigV4Signer(credentials: Self.s3Credentials, region: "us-east-1", service: "s3")
        let request = SigV4Signer.Request(
            method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")],
            headers: ["Host": "examplebucket.s3.amazonaws.com", "x-amz-content-sha256": SigV4Signer.emptyPayloadHash],
            payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(signature(signer.sign(request, at: Self.s3Date)["Authorization"]) == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func aSessionTokenIsSentAndSignedButNeverShownInDescriptions() {
        var credentials = Self.s3Credentials
        credentials.sessionToken = "TOKEN-SECRET"
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3")
        let added = signer.sign(.init(method: "GET", path: "/", headers: ["Host": "h"], payloadHash: SigV4Signer.emptyPayloadHash), at: Self.s3Date)
        #expect(added["x-amz-security-token"] == "TOKEN-SECRET")
        #expect(added["Authorization"]?.contains("x-amz-security-token") == true)
        #expect(!credentials.description.contains("TOKEN-SECRET"))
        #expect(!credentials.description.contains(credentials.secretAccessKey))
    }
}
