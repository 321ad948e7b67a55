/// Laying out text in columns and lines of a width: every table (`tlb show`, `dump`, traces)
/// aligns its cells the same way and no line ends in spaces.
///
/// Width policy: a terminal's width when standard output is one (the `Terminal` helper,
/// measured at each view); otherwise none, so output sent to a file or a pipe is the same
/// bytes on every machine, one line per entry, for diff and grep (docs/views.md).
enum Columns {
  /// Rows of cells aligned in columns: each cell padded to its column's widest, two spaces
  /// between columns, the columns in `right` right-aligned; trailing spaces dropped.
  /// A column empty in every row takes no space.
  static func align(_ rows: [[String]], right: Set<Int> = []) -> [String] {
    var widths: [Int] = []
    for row in rows {
      for (i, c) in row.enumerated() {
        if i == widths.count { widths.append(0) }
        widths[i] = max(widths[i], c.count)
      }
    }
    return rows.map { row in
      row.enumerated().filter { widths[$0.offset] > 0 }.map { i, c in
        right.contains(i) ? c.leftPadded(widths[i]) : c.rightPadded(widths[i])
      }.joined(separator: "  ").trailingSpacesRemoved
    }
  }

  /// `fields` joined by `separator` on as few lines of `width` as the fields allow: a line
  /// breaks only between fields, continuation lines start with `indent`; a field longer
  /// than a line is kept whole. No width: one line.
  static func wrap(
    _ fields: [String], width: Int?, separator: String = "  ", indent: String = "    "
  ) -> [String] {
    // No width (not a terminal): one line, built directly (every walk line comes here).
    guard width != nil else { return [fields.joined(separator: separator)] }
    let tokens = fields.enumerated().map { ($0.offset == 0 ? "" : separator, $0.element) }
    return fill(tokens, width: width, first: "", indent: indent)
  }

  /// The fields of a text for `fill`: words, each with the spaces that came before it (two
  /// between fields, one between the words of a field).
  static func tokens(_ text: String) -> [(String, String)] {
    var out: [(String, String)] = []
    for (i, part) in text.split(separator: "  ").enumerated() {
      for (j, word) in part.split(separator: " ").enumerated() {
        out.append((j > 0 ? " " : i > 0 || !out.isEmpty ? "  " : "", String(word)))
      }
    }
    return out
  }

  /// Tokens (separator before, text) laid out greedily on lines of `width`: the first line
  /// starts with `first`, the others with `indent`; a separator at a break is dropped. No
  /// width: one line.
  static func fill(
    _ tokens: [(String, String)], width: Int?, first: String, indent: String
  ) -> [String] {
    var lines: [String] = []
    var current = first
    var empty = true
    for (separator, text) in tokens {
      if !empty, let width, current.count + separator.count + text.count > width {
        lines.append(current.trailingSpacesRemoved)
        current = indent + text
      } else {
        current += (empty ? "" : separator) + text
      }
      empty = false
    }
    lines.append(current.trailingSpacesRemoved)
    return lines
  }

  /// `wrap` on bytes already written: the line from `start` to the end of `w`, whose fields
  /// begin at `breaks` (each at its two-space separator), laid out on lines of `width`
  /// characters with continuation lines indented by four; unchanged when it fits.
  static func wrap(_ w: inout ByteWriter, from start: Int, breaks: [Int], width: Int) {
    if w.characters(from: start) <= width {
      w.trimTrailingSpaces(downTo: start)
      return
    }
    let line = w.slice(start..<w.count)
    w.truncate(to: start)
    var lineStart = w.count
    var used = 0
    for i in 0...breaks.count {
      // Field i without its separator.
      let from = i == 0 ? 0 : breaks[i - 1] - start + 2
      let to = i == breaks.count ? line.count : breaks[i] - start
      var chars = 0
      for b in line[from..<to] where b & 0xc0 != 0x80 { chars += 1 }
      if i > 0 && used + 2 + chars > width {
        w.trimTrailingSpaces(downTo: lineStart)
        w.byte(UInt8(ascii: "\n"))
        lineStart = w.count
        w.ascii("    ")
        used = 4
      } else if i > 0 {
        w.ascii("  ")
        used += 2
      }
      w.append(line[from..<to])
      used += chars
    }
    w.trimTrailingSpaces(downTo: lineStart)
  }
}
