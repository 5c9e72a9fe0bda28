import AuthTokenCore
import Foundation
import Metrics
import Prometheus
import Synchronization

/// The Prometheus side of the metrics: swift-metrics is bootstrapped with a registry here,
/// so the web layer's counters and the check's latency land in it; the figures that are
/// states rather than events (the password queue, blocks, tokens, sessions, the process)
/// are read when scraped. `text()` is the exposition `/_authtoken/metrics` answers.
final class MetricsExporter: Sendable {
    let registry = PrometheusCollectorRegistry()
    let auth: AuthService
    private let totals = Mutex<[String: Int]>([:])

    init(auth: AuthService) {
        self.auth = auth
        var factory = PrometheusMetricsFactory(registry: registry)
        // Check latencies are milliseconds: buckets from 100 µs to 1 s.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .seconds(1),
        ]
        MetricsSystem.bootstrap(factory)
    }

    func text() -> String {
        let queue = auth.hasher.queue.counts
        gauge("authtoken_password_queue_waiting", "Password checks waiting for a hash thread", queue.waiting)
        total("authtoken_password_work_total", "Hashes and verifications run", queue.ran)
        total("authtoken_password_work_refused_total", "Password checks refused because the queue was full", queue.refused)
        total("authtoken_throttle_blocks_total", "Blocks started by this process", auth.blocksStartedCount)
        total("authtoken_last_use_writes_total", "Token last-use rows written by the usage flusher", auth.usage.writes)
        total("authtoken_daily_use_rows_written_total", "Daily-use rows (token days, check answer days) added to by the usage flusher",
              auth.usage.dailyRowsWritten)
        if let counts = try? auth.housekeeping.rowCounts() {
            gauge("authtoken_tokens", "Tokens in the store", counts.tokens)
            gauge("authtoken_sessions", "Browser sessions in the store (expired ones until the next sweep)", counts.sessions)
        }
        let process = Self.processFigures()
        gauge("authtoken_process_resident_memory_bytes", "Resident memory", process.rss)
        gauge("authtoken_process_threads", "Threads", process.threads)
        gauge("authtoken_process_open_fds", "Open file descriptors", process.openFiles)
        return registry.emitToString()
    }

    private func gauge(_ name: String, _ help: String, _ value: Int) {
        registry.makeGauge(name: name, help: help).set(to: Double(value))
    }

    /// A counter kept equal to a running total read elsewhere.
    private func total(_ name: String, _ help: String, _ value: Int) {
        let delta = totals.withLock { totals -> Int in
            let delta = max(0, value - (totals[name] ?? 0))
            totals[name] = value
            return delta
        }
        registry.makeCounter(name: name, help: help).increment(by: Int64(delta))
    }

    static func processFigures() -> (rss: Int, threads: Int, openFiles: Int) {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        return (field("VmRSS") * 1024, field("Threads"), files)
    }
}
