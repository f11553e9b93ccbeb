import Dispatch
import Foundation
import Prefab

/// SIGINT and SIGTERM ask the run to stop cleanly (finish what is in flight, write what is
/// done); a second signal ends the process at once.
final class StopSignals {
    private let sources: [any DispatchSourceSignal]

    /// `notify` tells the user what the first signal did.
    init(control: RunControl, notify: @escaping @Sendable (String) -> Void) {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if control.stopReason != nil { exit(130) }
                control.stop(.interrupted)
                notify("stopping: finishing the prompts in flight (interrupt again to quit at once)")
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
