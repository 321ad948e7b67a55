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
    func note(_ depth: Int, _ text: String) {
      rows.append(Row(depth: depth, cells: [], heading: text))
    }
    func cacheNote(_ w: WalkCacheEntry) -> String {
      "from the walk cache: \(w.regime == .stage2 ? "s2" : "s1") L\(w.level) entry at \(f.hex(w.entryPA)) = \(Self.raw(w.descriptor, f)), table -> \(f.hex(w.nextTable))"
    }
    // Stage-2 walk-cache entries belong to the stage-2 walk they started: the one of the IPA
    // they cover whose first read is one level below them. Each is used once.
    var stage2Cache = walkCache.filter { $0.regime == .stage2 }
    func startingEntry(ipa: UInt64, firstStep: WalkStep?) -> WalkCacheEntry? {
      guard let s = firstStep,
        let i = stage2Cache.firstIndex(where: { $0.covers(ipa) && $0.level + 1 == s.level })
      else { return nil }
      return stage2Cache.remove(at: i)
    }
    let nested =
      walk.steps.contains {
        !$0.stage2Steps.isEmpty || $0.entryAddress != $0.entryPA || $0.stage == 2
      }
      || outcome.translation?.ipa != nil
    var sawStage1 = false
    var labelled = false
    var stage1Start: [String] = []
    for w in walkCache where w.regime != .stage2 { stage1Start.append(cacheNote(w)) }
    // The stage-1 walk started below its start level: the cached entry it started from.
    for n in stage1Start { note(0, n) }
    for st in walk.steps {
      if st.stage == 1 { sawStage1 = true }
      if st.stage == 2 && sawStage1 && !labelled {
        // Stage-2 steps after stage 1 at the top: the output IPA's, or the walk of a stage-1
        // table IPA that faulted.
        labelled = true
        note(0, stage2Heading(outcome))
        let ipa = outcome.translation?.ipa ?? outcome.fault?.ipa
        if let ipa, let w = startingEntry(ipa: ipa, firstStep: st) { note(1, cacheNote(w)) }
      }
      let depth = labelled ? 1 : 0
      rows.append(Row(depth: depth, cells: cells(st, nested: nested && st.stage == 1)))
      guard nested && st.stage == 1 else { continue }
      // The stage-2 translation of this entry's IPA: walked (from a walk-cache entry or
      // its start table), or answered by a stage-2 TLB entry with no descriptor read.
      if st.stage2Steps.isEmpty {
        note(
          depth + 1,
          "stage 2 of ipa \(f.hex(st.entryAddress)) from the TLB: pa \(f.hex(st.entryPA))")
      } else if let w = startingEntry(ipa: st.entryAddress, firstStep: st.stage2Steps.first) {
        note(depth + 1, cacheNote(w))
      }
      for s2 in st.stage2Steps {
        rows.append(Row(depth: depth + 1, cells: cells(s2, nested: false)))
      }
    }
    // The output IPA's stage 2 came from the TLB: no stage-2 step follows stage 1.
    if nested && !labelled, case .translated(let t) = outcome, let ipa = t.ipa {
      note(0, "stage 2 of the output IPA \(f.hex(ipa)): from the TLB, pa \(f.hex(t.pa))")
    }
    // Entries no sub-walk claimed (none expected) are still shown.
    for w in stage2Cache { note(0, cacheNote(w)) }
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
    let width = r.width
    return rows.flatMap { row -> [String] in
      let indent = String(repeating: " ", count: 2 + 4 * row.depth)
      let continuation = indent + "    "
      if let h = row.heading {
        guard let width, indent.count + h.count > width else { return [indent + r.style.dim(h)] }
        return Columns.fill(Columns.tokens(h), width: width, first: indent, indent: continuation)
          .map { r.style.dim($0) }
      }
      let w = widths[row.depth] ?? []
      var s = ""
      for (i, c) in row.cells.enumerated() {
        // "s1 L0 [256]", then two spaces between columns; the index is right-aligned and
        // the last cell is never padded.
        if i > 0 { s += i == 1 ? " " : "  " }
        s += i == row.cells.count - 1 ? c : i == 1 ? c.leftPadded(w[i]) : c.rightPadded(w[i])
      }
      guard let width, indent.count + s.count > width else { return [indent + s] }
      // A narrow terminal: the line breaks between fields (cells, and the words of the
      // meaning), never inside one; what follows a break is indented under the step.
      var tokens = [("", row.cells.prefix(2).joined(separator: " "))]
      for c in row.cells.dropFirst(2) {
        var t = Columns.tokens(c)
        if !t.isEmpty { t[0].0 = "  " }
        tokens += t
      }
      return Columns.fill(tokens, width: width, first: indent, indent: continuation)
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
      meaning(st, outputIsIPA: nested),
    ]
  }

  /// A descriptor as 16 hex digits, so raw values line up.
  static func raw(_ v: UInt64, _ f: ValueFormatter) -> String { f.hex(v, digits: 16) }

  /// What the descriptor means; in a two-stage walk a stage-1 entry's output is an IPA.
  func meaning(_ st: WalkStep, outputIsIPA: Bool) -> String {
    guard let d = st.decoding else { return st.kind.description }
    return DescriptorText(f: f).summary(
      st.descriptor, kind: st.kind, level: st.level, decoding: d,
      outputIsIPA: outputIsIPA && st.stage == 1)
  }
}
