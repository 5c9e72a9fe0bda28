import AuthTokenCore
import AuthTokenStore
import Foundation

/// A bar chart of counts per day, drawn by the server as inline SVG (`chart.mustache`): no
/// script, no external asset and no style attribute, so it needs nothing from the CSP; the
/// colours are the stylesheet's, one class per series. Every day has a bar group carrying
/// its day and count (`data-day`, `data-count`) and a tooltip; the caption is the chart's
/// text equivalent, and the picture is labelled by it.
struct UsageChart {
    /// One series' part of a day's bar (bars stack the series bottom up).
    struct Segment {
        var series: String
        var count: Int
        var y: String
        var size: String
    }

    struct Bar {
        var day: String
        var total: Int
        var x: String
        var title: String
        var href: String?
        var segments: [Segment]
    }

    /// A series to draw: its class (the store's name for it), its words, its counts.
    struct Series {
        var name: String
        var label: String
        var counts: DailySeries
    }

    struct LegendItem {
        var series: String
        var label: String
    }

    var id: String
    var width: Int
    var height: Int
    var barWidth: String
    var bars: [Bar]
    var summary: String
    var legend: [LegendItem]?
    var large: Bool?

    /// Units across per day; a bar leaves a gap of a fifth.
    static let step = 10

    /// `link` gives a day's bar a link (to what it summarises); `summary` is the caption.
    init(id: String, span: DaySpan, series: [Series], height: Int, summary: String, large: Bool = false,
         link: ((Int64) -> String)? = nil)
    {
        self.id = id
        self.height = height
        width = span.days * Self.step
        barWidth = Self.number(Double(Self.step) * 0.8)
        self.summary = summary
        self.large = large ? true : nil
        legend = series.count > 1 ? series.map { LegendItem(series: $0.name, label: $0.label) } : nil
        let tallest = max(1, span.all.map { day in series.reduce(0) { $0 + $1.counts[day] } }.max() ?? 1)
        let scale = Double(height) / Double(tallest)
        bars = span.all.enumerated().map { index, day in
            var top = Double(height)
            var segments: [Segment] = []
            for part in series where part.counts[day] > 0 {
                let size = Double(part.counts[day]) * scale
                top -= size
                segments.append(Segment(series: part.name, count: part.counts[day], y: Self.number(top), size: Self.number(size)))
            }
            let date = PageDate.day(UsageDay.start(day))
            let words = series.map { "\($0.counts[day]) \($0.label)" }.joined(separator: ", ")
            return Bar(day: date, total: series.reduce(0) { $0 + $1.counts[day] }, x: Self.number(Double(index * Self.step)),
                       title: "\(date): \(words)", href: link?(day), segments: segments)
        }
    }

    /// "412 uses in 30 days, the last on 2026-12-01." for a token's chart.
    static func usesSummary(_ counts: DailySeries) -> String {
        guard let last = counts.lastDay else { return "No uses in \(counts.span.days) days." }
        let uses = counts.total == 1 ? "1 use" : "\(counts.total) uses"
        return "\(uses) in \(counts.span.days) days, the last on \(PageDate.day(UsageDay.start(last)))."
    }

    /// Coordinates with at most two decimals, no trailing zeros.
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
            .replacingOccurrences(of: #"0$"#, with: "", options: .regularExpression)
    }
}
