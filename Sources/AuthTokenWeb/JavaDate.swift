import Foundation

/// `java.util.Date.toString()`: `EEE MMM dd HH:mm:ss zzz yyyy` in English, e.g.
/// `Wed Feb 29 03:07:33 PST 2012`. The legacy answer's second line carries it.
///
/// Written out by hand rather than through `DateFormatter`: the format is fixed, must not
/// follow the locale, and this runs on every API answer.
public enum JavaDate {
    static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The date in the server's time zone (the `TZ` environment variable or the system's).
    public static func localString(from date: Date) -> String {
        var seconds = time_t(clamped(date.timeIntervalSince1970))
        var parts = tm()
        localtime_r(&seconds, &parts)
        let zone = parts.tm_zone.map { String(cString: $0) } ?? "GMT"
        return string(from: parts, zone: javaZoneName(zone, offset: Int(parts.tm_gmtoff)))
    }

    /// Seconds limited to the years 1 to 9999, and NaN to the epoch. The clock never goes
    /// there, but converting a larger Double to `time_t` traps (found by FuzzLegacyAnswer).
    static func clamped(_ seconds: Double) -> Double {
        guard seconds.isFinite else { return 0 }
        return min(max(seconds.rounded(.down), -62_135_596_800), 253_402_300_799)
    }

    /// Formats broken-down time with a ready zone name.
    static func string(from t: tm, zone: String) -> String {
        "\(days[Int(t.tm_wday)]) \(months[Int(t.tm_mon)]) \(two(t.tm_mday)) "
            + "\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec)) \(zone) \(t.tm_year + 1900)"
    }

    /// Java prints a zone's abbreviation; where the zone has none, glibc gives `+0530` and
    /// Java `GMT+05:30`.
    static func javaZoneName(_ abbreviation: String, offset: Int) -> String {
        guard let first = abbreviation.first, first == "+" || first == "-" || abbreviation.isEmpty == false && first.isNumber
        else { return abbreviation }
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "GMT\(sign)\(two(Int32(minutes / 60))):\(two(Int32(minutes % 60)))"
    }

    static func two(_ value: Int32) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
