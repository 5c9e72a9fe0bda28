import Foundation
import Lifecycle
import Synchronization
import Testing

@Suite struct BackgroundTasksTests {
    final class Recorder: Sendable {
        let events = Mutex<[String]>([])
        func add(_ event: String) { events.withLock { $0.append(event) } }
        var all: [String] { events.withLock { $0 } }
    }

    struct Refused: Error {}

    final class Step: BackgroundTask {
        let name: String
        let recorder: Recorder
        let fails: Bool
        init(_ name: String, _ recorder: Recorder, fails: Bool = false) {
            self.name = name
            self.recorder = recorder
            self.fails = fails
        }
        func start() throws {
            if fails { throw Refused() }
            recorder.add("start \(name)")
        }
        func stop() { recorder.add("stop \(name)") }
    }

    @Test func startsInOrderAndStopsInReverse() throws {
        let recorder = Recorder()
        let tasks = BackgroundTasks([Step("a", recorder), Step("b", recorder), Step("c", recorder)])
        try tasks.start()
        tasks.stop()
        #expect(recorder.all == ["start a", "start b", "start c", "stop c", "stop b", "stop a"])
    }

    @Test func aFailedStartStopsWhatHadStarted() throws {
        let recorder = Recorder()
        let tasks = BackgroundTasks([Step("a", recorder), Step("b", recorder), Step("c", recorder, fails: true)])
        #expect(throws: Refused.self) { try tasks.start() }
        #expect(recorder.all == ["start a", "start b", "stop b", "stop a"])
    }

    @Test func joinWaitsForTheThreadsEnd() throws {
        let done = Mutex(false)
        let thread = try JoinableThread(name: "slow") {
            Thread.sleep(forTimeInterval: 0.2)
            done.withLock { $0 = true }
        }
        thread.join()
        #expect(done.withLock { $0 })
    }

    @Test func aStopSignalWakesASleeperAtOnce() throws {
        let signal = StopSignal()
        let slept = Mutex<Bool?>(nil)
        let started = Date()
        let thread = try JoinableThread(name: "sleeper") { slept.withLock { $0 = signal.sleep(60) } }
        Thread.sleep(forTimeInterval: 0.05)
        signal.stop()
        thread.join()
        #expect(slept.withLock { $0 } == false)
        #expect(Date().timeIntervalSince(started) < 30)  // a stall would be the full minute
        #expect(signal.sleep(60) == false)  // stopped stays stopped
    }
}
