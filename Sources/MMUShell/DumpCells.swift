import MMU
import MMUScript

/// The cells of a dump's rows, written once as bytes, and the width of each column, so that
/// the rows can be padded into line without building a `String` per cell.
///
/// Columns: range, size (right-aligned), leaves, `-> output`, rights, memory, shareability,
/// flags, symbol. Every cell but the symbol is ASCII, so its width is its length in bytes.
struct DumpCells {
  static let columns = 9
  var bytes: ByteWriter
  /// Where cell `c` of row `k` ends in `bytes`: `ends[k * columns + c]`.
  var ends: [Int] = []
  var widths = [Int](repeating: 0, count: columns)

  init(rows: Int) {
    bytes = ByteWriter(capacity: max(rows, 1) * 96)
    ends.reserveCapacity(rows * Self.columns)
  }

  /// Ends the cell being written and widens its column to it.
  mutating func endCell(_ c: Int, characters: Int? = nil) {
    let start = ends.last ?? 0
    widths[c] = max(widths[c], characters ?? (bytes.count - start))
    ends.append(bytes.count)
  }

  /// `0x…-0x…  4K  L3 page  -> 0x…  el0 --- el1 rw-  normal-wb  inner  nG  <symbol>`.
  mutating func add(
    _ run: LeafRun, section s: DumpSection, symbol: String?, digits: Int, f: ValueFormatter
  ) {
    let g = f.hexGrouping
    bytes.hex(run.first, digits: digits, grouped: g)
    bytes.byte(UInt8(ascii: "-"))
    bytes.end(run.last, digits: digits, grouped: g)
    endCell(0)
    ViewWords.size(run.size, into: &bytes)
    endCell(1)
    ViewWords.leaves(level: run.level, kind: run.kind, count: run.count, into: &bytes)
    endCell(2)
    bytes.ascii(s.outputIsIPA ? "-> ipa " : "-> ")
    bytes.hex(run.output, grouped: g)
    endCell(3)
    ViewWords.rights(run.permissions, regime: s.regime, into: &bytes)
    endCell(4)
    bytes.text(MemoryAttributes.describe(run.attributes.mair))
    endCell(5)
    bytes.text(ViewWords.shareability(run.attributes.shareability))
    endCell(6)
    ViewWords.flags(run, regime: s.regime, into: &bytes)
    endCell(7)
    let start = bytes.count
    if let symbol {
      bytes.byte(UInt8(ascii: "<"))
      bytes.text(symbol)
      bytes.byte(UInt8(ascii: ">"))
    }
    endCell(8, characters: bytes.characters(from: start))
  }

  /// Cell `c` of row `k` with padding to its column's width (`right`: padded on the left).
  func cell(_ k: Int, _ c: Int, right: Bool = false, into w: inout ByteWriter) -> Int {
    let i = k * Self.columns + c
    let from = i == 0 ? 0 : ends[i - 1]
    let cell = bytes.bytes[from..<ends[i]]
    let chars = c == Self.columns - 1 ? bytes.characters(from: from, to: ends[i]) : cell.count
    if right { w.repeated(0x20, widths[c] - chars) }
    w.bytes.append(contentsOf: cell)
    if !right { w.repeated(0x20, widths[c] - chars) }
    return max(chars, widths[c])
  }

  /// Row `k`, one line (two on a terminal narrower than it: the output and attributes on a
  /// continuation line indented by four).
  func render(_ k: Int, width: Int?, into w: inout ByteWriter) {
    let lineStart = w.count
    var head = cell(k, 0, into: &w)
    w.ascii("  ")
    head += 2 + cell(k, 1, right: true, into: &w)
    w.ascii("  ")
    head += 2 + cell(k, 2, into: &w)
    let headEnd = w.count
    for c in 3..<Self.columns {
      w.ascii("  ")
      _ = cell(k, c, into: &w)
    }
    w.trimTrailingSpaces(downTo: headEnd)
    if let width, w.count > headEnd {
      if head + 2 + w.characters(from: headEnd + 2) > width {
        let rest = Array(w.bytes[(headEnd + 2)...])
        w.bytes.removeSubrange(headEnd...)
        w.trimTrailingSpaces(downTo: lineStart)
        w.ascii("\n    ")
        w.bytes.append(contentsOf: rest)
      }
    }
    w.byte(UInt8(ascii: "\n"))
  }
}
