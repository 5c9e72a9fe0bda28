import CQRencode

/// A QR code from libqrencode, as rows of dark runs: the template draws each run as one SVG
/// `<rect>`, so the page needs no image file, no script and no style attribute.
struct QRCode {
    /// Modules per side, without the quiet zone.
    let size: Int
    /// Dark runs: x, y and width in modules.
    let runs: [(x: Int, y: Int, width: Int)]

    /// Error correction M: survives a smudged screen, keeps an otpauth URI at a small version.
    init?(_ text: String) {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        var runs: [(x: Int, y: Int, width: Int)] = []
        for y in 0..<width {
            var x = 0
            while x < width {
                // Bit 0 of each module byte is "dark"; the other bits say what the module is for.
                guard code.pointee.data[y * width + x] & 1 == 1 else { x += 1; continue }
                let start = x
                while x < width && code.pointee.data[y * width + x] & 1 == 1 { x += 1 }
                runs.append((start, y, x - start))
            }
        }
        size = width
        self.runs = runs
    }

    /// What the set-up page draws: the view box with a four-module quiet zone, and the runs.
    var view: QRView {
        QRView(viewBox: "-4 -4 \(size + 8) \(size + 8)", side: String(size + 8),
               runs: runs.map { .init(x: String($0.x), y: String($0.y), w: String($0.width)) })
    }
}
