import Foundation

/// Dates on the pages: `2026-11-29 04:10 UTC`, the same for every reader whatever their
/// locale, and sortable by eye.
enum PageDate {
    static func string(from date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        gmtime_r(&seconds, &t)
        return String(
            format: "%04d-%02d-%02d %02d:%02d UTC", Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday),
            Int(t.tm_hour), Int(t.tm_min))
    }

    /// `2026-11-29` (UTC), as a date field takes it.
    static func day(_ date: Date) -> String {
        String(string(from: date).prefix(10))
    }

    /// For `<time datetime=…>`.
    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
