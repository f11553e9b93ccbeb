import Foundation
import Testing
@testable import PrefabLLM

/// Retry-After parsing and the backoff schedule, as pure functions.
@Suite struct RetryTimingTests {
    @Test func retryAfterReadsDelaySeconds() {
        #expect(RetryAfter.seconds(from: "120") == 120)
        #expect(RetryAfter.seconds(from: " 3 ") == 3)
        #expect(RetryAfter.seconds(from: "0") == 0)
    }

    @Test func retryAfterReadsEveryHTTPDateForm() {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // Wed, 21 Oct 2015 07:27:50 GMT
        #expect(RetryAfter.seconds(from: "Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 10)
        #expect(RetryAfter.seconds(from: "Wednesday, 21-Oct-15 07:28:00 GMT", now: now) == 10)
        #expect(RetryAfter.seconds(from: "Wed Oct 21 07:28:00 2015", now: now) == 10)
    }

    @Test func retryAfterInThePastMeansNowAndGarbageMeansNothing() {
        let now = Date(timeIntervalSince1970: 1_445_412_490)
        #expect(RetryAfter.seconds(from: "Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 0)
        #expect(RetryAfter.seconds(from: "soon") == nil)
        #expect(RetryAfter.seconds(from: "") == nil)
    }

    @Test func backoffCeilingDoublesUpToTheMaximumWithFullJitter() {
        let policy = RetryPolicy(maxAttempts: 10, initialDelay: 0.5, maxDelay: 4)
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, random: 1) == 0.5)
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil, random: 1) == 1)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, random: 1) == 2)
        #expect(policy.delay(afterAttempt: 4, retryAfter: nil, random: 1) == 4)
        #expect(policy.delay(afterAttempt: 9, retryAfter: nil, random: 1) == 4)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, random: 0.25) == 0.5)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, random: 0) == 0)
    }

    @Test func retryAfterOverridesBackoffUpToItsCap() {
        let policy = RetryPolicy(maxRetryAfter: 30)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 7, random: 0) == 7)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 600, random: 0) == 30)
    }

    @Test func tokenBucketAllowsABurstThenRefillsAtItsRate() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(perMinute: 60, now: start)  // 1/s, burst of 10
        for _ in 0..<10 {
            #expect(bucket.wait(for: 1, now: start) == 0)
            bucket.charge(1, now: start)
        }
        #expect(abs(bucket.wait(for: 1, now: start) - 1) < 1e-9)
        #expect(bucket.wait(for: 1, now: start + .seconds(1)) == 0)
    }

    @Test func tokenBucketLetsAnOversizedChargeThroughWhenFullThenMakesOthersWait() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(perMinute: 600, now: start)  // 10/s, capacity 100
        #expect(bucket.wait(for: 500, now: start) == 0)
        bucket.charge(500, now: start)
        #expect(abs(bucket.wait(for: 1, now: start) - 40.1) < 1e-9)
        bucket.refund(450, now: start)
        #expect(bucket.wait(for: 1, now: start) == 0)
    }
}
