// Enclave load: writes a latency plot as a standalone SVG document (hand-written, no external reference).

/// Renders a `LatencyPlot` as SVG text.
public enum SVGPlotWriter {
    /// The SVG document. With `standalone` it is a file of its own (with the XML namespace); without, it is markup
    /// to place inside an HTML page, which needs no namespace and so names no URL at all.
    public static func svg(_ plot: LatencyPlot, standalone: Bool = true) -> String {
        let (x0, y0, x1, y1) = plot.area
        let namespace = standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : ""
        var out =
            "<svg\(namespace) width=\"\(plot.width)\" height=\"\(plot.height)\" viewBox=\"0 0 \(plot.width) \(plot.height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(plot.width)\" height=\"\(plot.height)\" fill=\"#ffffff\"/>\n"
        out += "<text x=\"\(f(x0))\" y=\"22\" font-size=\"15\">\(escape(plot.title))</text>\n"
        for tick in plot.latencyTicks {
            out += "<line x1=\"\(f(x0))\" y1=\"\(f(tick.y))\" x2=\"\(f(x1))\" y2=\"\(f(tick.y))\" stroke=\"#e0e0e0\"/>\n"
            out += "<text x=\"\(f(x0 - 6))\" y=\"\(f(tick.y + 4))\" text-anchor=\"end\">\(escape(tick.label))</text>\n"
        }
        for tick in plot.timeTicks {
            out += "<line x1=\"\(f(tick.x))\" y1=\"\(f(y1))\" x2=\"\(f(tick.x))\" y2=\"\(f(y1 + 5))\" stroke=\"#333333\"/>\n"
            out += "<text x=\"\(f(tick.x))\" y=\"\(f(y1 + 18))\" text-anchor=\"middle\">\(escape(tick.label))</text>\n"
        }
        out += "<line x1=\"\(f(x0))\" y1=\"\(f(y1))\" x2=\"\(f(x1))\" y2=\"\(f(y1))\" stroke=\"#333333\"/>\n"
        out += "<line x1=\"\(f(x0))\" y1=\"\(f(y0))\" x2=\"\(f(x0))\" y2=\"\(f(y1))\" stroke=\"#333333\"/>\n"
        out += "<text x=\"\(f((x0 + x1) / 2))\" y=\"\(plot.height - 8)\" text-anchor=\"middle\">time the request was sent</text>\n"
        out += "<g fill-opacity=\"0.45\">\n"
        for dot in plot.dots {
            let color = dot.series == .endToEnd ? "#3060c0" : "#909090"
            out += "<circle cx=\"\(f(dot.x))\" cy=\"\(f(dot.y))\" r=\"2\" fill=\"\(color)\"/>\n"
        }
        out += "</g>\n"
        for (position, line) in plot.lines.enumerated() {
            let color = hex(line.color)
            if line.points.count > 1 {
                let points = line.points.map { "\(f($0.x)),\(f($0.y))" }.joined(separator: " ")
                out += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            }
            let legendX = x1 - 330 + Double(position) * 70
            out += "<rect x=\"\(f(legendX))\" y=\"12\" width=\"14\" height=\"4\" fill=\"\(color)\"/>"
            out += "<text x=\"\(f(legendX + 18))\" y=\"18\">\(line.label) e2e</text>\n"
        }
        out += "<circle cx=\"\(f(x1 - 110))\" cy=\"14\" r=\"3\" fill=\"#3060c0\"/><text x=\"\(f(x1 - 104))\" y=\"18\">e2e</text>\n"
        out += "<circle cx=\"\(f(x1 - 60))\" cy=\"14\" r=\"3\" fill=\"#909090\"/><text x=\"\(f(x1 - 54))\" y=\"18\">ttft</text>\n"
        out += "</svg>\n"
        return out
    }

    static func f(_ value: Double) -> String {
        "\((value * 10).rounded() / 10)"
    }

    static func hex(_ color: (UInt8, UInt8, UInt8)) -> String {
        let digits = Array("0123456789abcdef")
        return "#" + [color.0, color.1, color.2].map { "\(digits[Int($0 >> 4)])\(digits[Int($0 & 15)])" }.joined()
    }

    /// Text with `&`, `<`, `>` and `"` escaped for XML.
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
