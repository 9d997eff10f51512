// Enclave load: draws a latency plot into pixels (dots, lines, axes, digit labels) and encodes it as PNG.

/// Rasterises a `LatencyPlot`; tick labels use a built-in 3x5 pixel font of digits, `.`, `m` and `s`.
public enum PNGPlotWriter {
    /// The PNG bytes of `plot`.
    public static func png(_ plot: LatencyPlot) -> [UInt8] {
        var canvas = Canvas(width: plot.width, height: plot.height)
        let (x0, y0, x1, y1) = plot.area
        for tick in plot.latencyTicks {
            canvas.line(x0, tick.y, x1, tick.y, (0xE0, 0xE0, 0xE0))
            canvas.text(tick.label, rightEdge: Int(x0) - 6, centreY: Int(tick.y))
        }
        for tick in plot.timeTicks {
            canvas.line(tick.x, y1, tick.x, y1 + 5, (0x33, 0x33, 0x33))
            canvas.text(tick.label, rightEdge: Int(tick.x) + tick.label.count * 4, centreY: Int(y1) + 16)
        }
        canvas.line(x0, y1, x1, y1, (0x33, 0x33, 0x33))
        canvas.line(x0, y0, x0, y1, (0x33, 0x33, 0x33))
        for dot in plot.dots {
            let color: (UInt8, UInt8, UInt8) = dot.series == .endToEnd ? (0x30, 0x60, 0xC0) : (0x90, 0x90, 0x90)
            canvas.dot(Int(dot.x.rounded()), Int(dot.y.rounded()), color)
        }
        for line in plot.lines {
            for (from, to) in zip(line.points, line.points.dropFirst()) {
                canvas.line(from.x, from.y, to.x, to.y, line.color, thickness: 2)
            }
        }
        return PNGEncoder.encode(width: plot.width, height: plot.height, rgb: canvas.pixels)
    }

    struct Canvas {
        let width: Int
        let height: Int
        var pixels: [UInt8]

        init(width: Int, height: Int) {
            self.width = width
            self.height = height
            pixels = Array(repeating: 0xFF, count: width * height * 3)
        }

        mutating func set(_ x: Int, _ y: Int, _ color: (UInt8, UInt8, UInt8)) {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            let index = (y * width + x) * 3
            pixels[index] = color.0
            pixels[index + 1] = color.1
            pixels[index + 2] = color.2
        }

        mutating func dot(_ x: Int, _ y: Int, _ color: (UInt8, UInt8, UInt8)) {
            for dy in -1...1 { for dx in -1...1 { set(x + dx, y + dy, color) } }
        }

        mutating func line(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ color: (UInt8, UInt8, UInt8), thickness: Int = 1) {
            let steps = max(1, Int(max(abs(bx - ax), abs(by - ay)).rounded(.up)))
            for step in 0...steps {
                let t = Double(step) / Double(steps)
                let x = Int((ax + (bx - ax) * t).rounded())
                let y = Int((ay + (by - ay) * t).rounded())
                for offset in 0..<thickness { set(x, y + offset, color) }
            }
        }

        /// Draws `text` at twice the font's size, its right edge at `rightEdge`.
        mutating func text(_ text: String, rightEdge: Int, centreY: Int) {
            let glyphs = text.compactMap { Self.font[$0] }
            var x = rightEdge - glyphs.count * 8
            let y = centreY - 5
            for glyph in glyphs {
                for (row, bits) in glyph.enumerated() {
                    for column in 0..<3 where bits & (0b100 >> column) != 0 {
                        for dy in 0..<2 { for dx in 0..<2 { set(x + column * 2 + dx, y + row * 2 + dy, (0x33, 0x33, 0x33)) } }
                    }
                }
                x += 8
            }
        }

        static let font: [Character: [UInt8]] = [
            "0": [0b111, 0b101, 0b101, 0b101, 0b111], "1": [0b010, 0b110, 0b010, 0b010, 0b111],
            "2": [0b111, 0b001, 0b111, 0b100, 0b111], "3": [0b111, 0b001, 0b111, 0b001, 0b111],
            "4": [0b101, 0b101, 0b111, 0b001, 0b001], "5": [0b111, 0b100, 0b111, 0b001, 0b111],
            "6": [0b111, 0b100, 0b111, 0b101, 0b111], "7": [0b111, 0b001, 0b010, 0b010, 0b010],
            "8": [0b111, 0b101, 0b111, 0b101, 0b111], "9": [0b111, 0b101, 0b111, 0b001, 0b111],
            ".": [0b000, 0b000, 0b000, 0b000, 0b010], "m": [0b000, 0b000, 0b111, 0b111, 0b101],
            "s": [0b000, 0b011, 0b110, 0b011, 0b110],
        ]
    }
}
