/// Turns a series of snapshots into a steady rate and ETA. A lifetime average reacts too slowly
/// (a run that sped up once the cache stopped hitting still shows its early pace an hour later)
/// and a rate between two consecutive snapshots jumps with every batch of judge answers, so the
/// rate is taken over the last `window` seconds of snapshots. Before that much history exists it
/// spans what there is, and the lifetime average is the fallback.
///
/// Time comes from the snapshots' `elapsed`, never from a clock, so a test can feed any sequence.
struct ProgressRateEstimator: Sendable {
    /// Seconds of history the rate spans.
    var window: Double
    /// Below this span (seconds) two samples are too close to give a rate worth showing.
    var minimumSpan: Double

    private var samples: [(elapsed: Double, done: Int)] = []

    init(window: Double = 30, minimumSpan: Double = 1) {
        self.window = window
        self.minimumSpan = minimumSpan
    }

    /// Records `snapshot` and returns it with `rate` and `etaSeconds` filled in.
    mutating func observe(_ snapshot: RunProgress) -> RunProgress {
        let sample = (elapsed: snapshot.elapsed, done: snapshot.sessionDone)
        if let last = samples.last, sample.elapsed < last.elapsed || sample.done < last.done {
            samples.removeAll()  // a new session or a counter reset: old history says nothing now
        }
        if let last = samples.last, last.elapsed == sample.elapsed {
            samples[samples.count - 1] = sample
        } else {
            samples.append(sample)
        }
        // Keep one sample at or before the window's start, so the span reaches the full window.
        while samples.count > 2, samples[1].elapsed <= sample.elapsed - window {
            samples.removeFirst()
        }

        var result = snapshot
        result.rate = rate(fallback: snapshot.averageRate)
        result.etaSeconds = snapshot.secondsRemaining(at: result.rate)
        return result
    }

    private func rate(fallback: Double?) -> Double? {
        guard let first = samples.first, let last = samples.last else { return fallback }
        let span = last.elapsed - first.elapsed
        guard span >= minimumSpan else { return fallback }
        return Double(last.done - first.done) / span
    }
}
