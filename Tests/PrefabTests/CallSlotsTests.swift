import Foundation
import PrefabLLM
import Testing

@testable import Prefab

/// Prompts are admitted by free call slots: the endpoints' limits, not a count of prompts,
/// decide how much runs, and a prompt waiting for its slowest answer does not hold the slots its
/// finished calls freed.
@Suite struct CallSlotsTests {
    @Test func reservedCallsBecomeStartedCallsAndWhatIsLeftIsGivenBack() {
        let slots = CallSlots(admitting: ["pool": 4], capacity: ["pool": 4, "judge": 2])
        let reservation = slots.reserve(["pool": 3])
        #expect(slots.demand == ["pool": 3])
        reservation.started("pool")
        reservation.started("pool")
        #expect(slots.demand["pool"] == 3, "started calls were reserved: no double count")
        reservation.started("judge")
        #expect(slots.demand["judge"] == 1, "a call beyond the reservation counts as it starts")
        reservation.finished("pool")
        reservation.finished("judge")
        #expect(slots.demand == ["pool": 2, "judge": 0])
        reservation.release()  // one reserved call never started (a cache hit, a failed plan)
        #expect(slots.demand["pool"] == 1)
        reservation.finished("pool")
        #expect(slots.demand["pool"] == 0)
    }

    @Test func roomMeansAFreeSlotOnThePoolAndNoBacklogPastTwiceTheSlots() {
        // Two slots and a quarter's headroom, rounded up: three calls may be wanted.
        let slots = CallSlots(admitting: ["pool": 2], capacity: ["pool": 2, "judge": 1])
        #expect(slots.hasRoom)
        let first = slots.reserve(["pool": 1])
        #expect(slots.hasRoom)
        let second = slots.reserve(["pool": 2])
        #expect(!slots.hasRoom, "the pool's slots and headroom are wanted")
        second.release()
        #expect(slots.hasRoom)
        // Calls piling up on a later stage's endpoint stop admissions: back-pressure.
        first.started("judge")
        first.started("judge")
        #expect(!slots.hasRoom)
        first.finished("judge")
        #expect(slots.hasRoom)
    }

    /// A job that makes two calls on an endpoint with two slots; its second call ends only when
    /// the test says. A window of two prompts would hold the second prompt back until the first
    /// finished; by slots, the first call's end lets it in.
    @Test func aFinishedCallAdmitsTheNextPromptBeforeItsPromptFinishes() async throws {
        let slots = CallSlots(admitting: ["e": 2], capacity: ["e": 2])  // 3 with the headroom
        let log = Locked<[String]>([])
        let (release, releaser) = AsyncStream.makeStream(of: Void.self)
        try await OrderedWindow<Int>(inFlight: 8, room: slots).run(
            admit: { ordinal in
                guard ordinal < 2 else { return .end }
                log.withLock { $0.append("admit \(ordinal)") }
                let reservation = slots.reserve(["e": 3])
                return .run {
                    await CallSlots.Reservation.$current.withValue(reservation) {
                        let current = CallSlots.Reservation.current!
                        current.started("e")
                        current.started("e")
                        current.started("e")
                        if ordinal == 0 {
                            log.withLock { $0.append("first call of 0 done") }
                            current.finished("e")  // the quick answers
                            current.finished("e")
                            for await _ in release { break }  // the slow one
                            current.finished("e")
                        } else {
                            current.finished("e")
                            current.finished("e")
                            current.finished("e")
                        }
                    }
                    reservation.release()
                    log.withLock { $0.append("done \(ordinal)") }
                    return ordinal
                }
            },
            emit: { _, _ in },
            settle: {
                // Once the second prompt is admitted and done while the first still waits on
                // its slow call, let the slow call end.
                if log.withLock({ $0.contains("done 1") }) { releaser.yield() }
            })
        let events = log.withLock { $0 }
        // Held back while both slots were wanted; let in by the first call's end, not the prompt's.
        #expect(events.firstIndex(of: "first call of 0 done")! < events.firstIndex(of: "admit 1")!, "\(events)")
        #expect(events.firstIndex(of: "admit 1")! < events.firstIndex(of: "done 0")!, "\(events)")
        #expect(events.firstIndex(of: "done 1")! < events.firstIndex(of: "done 0")!, "\(events)")
        #expect(slots.demand["e"] == 0)
    }
}
