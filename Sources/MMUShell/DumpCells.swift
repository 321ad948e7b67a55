import MMU
import MMUScript

/// The cells of a dump's rows, written once as bytes, and the width of each column, so that
/// the rows can be padded into line without building a `String` per cell.
///
/// Columns: range, size (right-aligned), leaves, `-> output`, rights, memory, shareability,
/// flags, symbol. Every cell but the symbol is ASCII, so its width is its length in bytes.
struct DumpCells: ~Copyable {
  static let columns = 9
  var bytes: ByteWriter
  /// Where cell `i` (row `i / columns`, column `i % columns`) ends in `bytes`, for the
  /// `cellCount` cells written; storage of this writer's own, like `bytes`, so that ending a
  /// cell is a store and not an array append.
  private var ends: UnsafeMutablePointer<Int>
  private var endsCapacity: Int
  private(set) var cellCount = 0
  /// The widest cell of each column.
  private var widths: UnsafeMutablePointer<Int>

  init(rows: Int) {
    bytes = ByteWriter(capacity: max(rows, 1) * 96)
    endsCapacity = max(rows, 1) * Self.columns
    ends = .allocate(capacity: endsCapacity)
    widths = .allocate(capacity: Self.columns)
    widths.initialize(repeating: 0, count: Self.columns)
  }

  deinit {
    ends.deallocate()
    widths.deallocate()
  }

  /// Where cell `i` begins and ends in `bytes`.
  func bounds(_ i: Int) -> Range<Int> {
    precondition(i >= 0 && i < cellCount, "DumpCells cell out of range")
    return (i == 0 ? 0 : ends[i - 1])..<ends[i]
  }

  /// Ends the cell being written and widens its column to it.
  mutating func endCell(_ c: Int, characters: Int? = nil) {
    if cellCount == endsCapacity {
      let grown = UnsafeMutablePointer<Int>.allocate(capacity: endsCapacity * 2)
      grown.initialize(from: ends, count: cellCount)
      ends.deallocate()
      ends = grown
      endsCapacity *= 2
    }
    let start = cellCount == 0 ? 0 : ends[cellCount - 1]
    widths[c] = max(widths[c], characters ?? (bytes.count - start))
    ends[cellCount] = bytes.count
    cellCount += 1
  }

  /// `0x…-0x…  4K  L3 page  -> 0x…  el0 --- el1 rw-  normal-wb  inner  nG  <symbol>`.
  mutating func add(
    _ run: LeafRun, section s: DumpSection, symbol: SymbolicAddress?, digits: Int, f: ValueFormatter
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
      bytes.text(ViewWords.symbol(symbol))
      bytes.byte(UInt8(ascii: ">"))
    }
    endCell(8, characters: bytes.characters(from: start))
  }

  /// Cell `c` of row `k` with padding to its column's width (`right`: padded on the left).
  func cell(_ k: Int, _ c: Int, right: Bool = false, into w: inout ByteWriter) -> Int {
    let range = bounds(k * Self.columns + c)
    let chars =
      c == Self.columns - 1
      ? bytes.characters(from: range.lowerBound, to: range.upperBound) : range.count
    if right { w.repeated(0x20, widths[c] - chars) }
    w.append(bytes, range)
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
        let rest = w.slice((headEnd + 2)..<w.count)
        w.truncate(to: headEnd)
        w.trimTrailingSpaces(downTo: lineStart)
        w.ascii("\n    ")
        w.append(rest)
      }
    }
    w.byte(UInt8(ascii: "\n"))
  }
}
