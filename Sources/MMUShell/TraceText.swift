import MMU
import MMUScript

/// `walk … trace` and `translate`: one aligned line per descriptor read, stage by stage.
///
///     s1 L0 [256]  0xe000_0800  0x0000_0000_e000_1003  table -> 0xe000_1000
///     s1 L3   [1]  0xe000_3008  0x0060_0000_4040_1703  page -> 0x4040_1000  AttrIndx=0 …
///
/// In a two-stage walk each stage-1 line shows the entry's IPA and PA, and the stage-2 walk
/// that translated that IPA follows it, indented; the stage 2 of the output IPA comes last.
struct TraceText {
  let r: TextRenderer
  var f: ValueFormatter { r.formatter }

  /// One line before alignment: its indent and cells.
  struct Row {
    var depth: Int
    var cells: [String]
    /// A heading line instead of cells.
    var heading: String?
  }

  func lines(_ walk: WalkResult, outcome: WalkOutcome, walkCache: [WalkCacheEntry] = [])
    -> [String]
  {
    var rows: [Row] = []
    // A walk that started below the start level: which cached table entry it started from.
    for w in walkCache {
      rows.append(
        Row(
          depth: 0, cells: [],
          heading:
            "from the walk cache: \(w.regime == .stage2 ? "s2" : "s1") L\(w.level) entry at \(f.hex(w.entryPA)) = \(Self.raw(w.descriptor, f)), table -> \(f.hex(w.nextTable))"
        ))
    }
    let nested = walk.steps.contains { !$0.stage2Steps.isEmpty || $0.entryAddress != $0.entryPA }
    var sawStage1 = false
    var labelled = false
    for st in walk.steps {
      if st.stage == 1 { sawStage1 = true }
      if st.stage == 2 && sawStage1 && !labelled {
        // Stage-2 steps after stage 1 at the top: the output IPA's, or the walk of a stage-1
        // table IPA that faulted.
        labelled = true
        rows.append(Row(depth: 0, cells: [], heading: stage2Heading(outcome)))
      }
      let depth = labelled ? 1 : 0
      rows.append(Row(depth: depth, cells: cells(st, nested: nested && st.stage == 1)))
      for s2 in st.stage2Steps {
        rows.append(Row(depth: depth + 1, cells: cells(s2, nested: false)))
      }
    }
    // Align the cells of the rows at each depth.
    var widths: [Int: [Int]] = [:]
    for row in rows where row.heading == nil {
      var w = widths[row.depth] ?? []
      for (i, c) in row.cells.enumerated() {
        if i == w.count { w.append(0) }
        w[i] = max(w[i], c.count)
      }
      widths[row.depth] = w
    }
    return rows.map { row in
      let indent = String(repeating: " ", count: 2 + 4 * row.depth)
      if let h = row.heading { return "  " + r.style.dim(h) }
      let w = widths[row.depth] ?? []
      var s = ""
      for (i, c) in row.cells.enumerated() {
        // "s1 L0 [256]", then two spaces between columns; the index is right-aligned and
        // the last cell is never padded.
        if i > 0 { s += i == 1 ? " " : "  " }
        if i == row.cells.count - 1 {
          s += c
        } else {
          s += i == 1 ? c.leftPadded(w[i]) : c.rightPadded(w[i])
        }
      }
      return indent + s
    }
  }

  func stage2Heading(_ outcome: WalkOutcome) -> String {
    switch outcome {
    case .faulted(let fault) where fault.s1ptw:
      return "stage 2 of the next stage-1 table entry"
        + (fault.ipa.map { " at IPA \(f.hex($0))" } ?? "") + ":"
    case .faulted(let fault):
      return "stage 2 of the output IPA" + (fault.ipa.map { " \(f.hex($0))" } ?? "") + ":"
    case .translated(let t):
      return "stage 2 of the output IPA" + (t.ipa.map { " \(f.hex($0))" } ?? "") + ":"
    }
  }

  /// The cells of one step: stage and level, index, entry address(es), raw, meaning.
  func cells(_ st: WalkStep, nested: Bool) -> [String] {
    let location =
      nested || st.entryAddress != st.entryPA
      ? "ipa \(f.hex(st.entryAddress))  pa \(f.hex(st.entryPA))" : f.hex(st.entryPA)
    return [
      "s\(st.stage) L\(st.level)", "[\(st.index)]", location, Self.raw(st.descriptor, f),
      meaning(st),
    ]
  }

  /// A descriptor as 16 hex digits, so raw values line up.
  static func raw(_ v: UInt64, _ f: ValueFormatter) -> String {
    let digits = String(v, radix: 16).leftPadded(16, "0")
    guard f.hexGrouping else { return "0x" + digits }
    var groups: [Substring] = []
    var i = digits.startIndex
    while i < digits.endIndex {
      let j = digits.index(i, offsetBy: 4)
      groups.append(digits[i..<j])
      i = j
    }
    return "0x" + groups.joined(separator: "_")
  }

  func meaning(_ st: WalkStep) -> String {
    guard let d = st.decoding else { return st.kind.description }
    return DescriptorText(f: f).summary(
      st.descriptor, kind: st.kind, level: st.level, decoding: d,
      outputIsIPA: st.stage == 1 && !st.stage2Steps.isEmpty)
  }
}
