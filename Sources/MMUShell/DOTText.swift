import MMU
import MMUScript

/// The table tree of a space as Graphviz source (`graph`): tables as nodes labelled with
/// their address, runs of leaves as notes; sibling tables that hold only leaves are grouped
/// into one node, so a 1 GiB map of 4K pages is one node for its 512 L3 tables. The
/// interpreter scans the tables and writes the file; the words are the shell's.
enum DOTText {
  /// Sibling leaf tables grouped into one node from this many on.
  static let groupFrom = 3
  /// Run notes listed per table (or group) before a "… more" line.
  static let runsShown = 8

  /// The source for a graph view, in the form the interpreter's `graphSource` hook takes.
  static func source(_ view: GraphView, formatter: ValueFormatter) -> GraphSource {
    dot(space: view.space, scan: view.scan, formatter: formatter)
  }

  static func dot(space: AddressSpace, scan: TableScan, formatter f: ValueFormatter) -> GraphSource
  {
    var out = [
      "digraph \"\(space.name)\" {",
      "  graph [rankdir=LR, labelloc=t, fontname=\"monospace\", label=\"space \(space.name): \(space.regime)\(space.upper.map { $0 ? " TTBR1" : " TTBR0" } ?? ""), \(ViewWords.geometry(space.geometry, regime: space.regime))\"];",
      "  node [shape=box, fontname=\"monospace\", fontsize=10];",
      "  edge [fontname=\"monospace\", fontsize=9];",
    ]
    var groups = 0
    var runNodes = 0
    let ipa = space.via != nil
    let mask = LeafRun.addressMask(granule: space.granule, ds: space.geometry.ds)
    func runLabel(_ r: LeafRun) -> String {
      var s = "\(f.hex(r.first))-\(f.end(r.last))\\l"
      s +=
        "\(ViewWords.size(r.size)): \(ViewWords.leaves(level: r.level, kind: r.kind, count: r.count))"
      s += " -> \(ipa && space.regime != .stage2 ? "ipa " : "")\(f.hex(r.output))\\l"
      s += ViewWords.rights(r.permissions, regime: space.regime)
      s +=
        " \(MemoryAttributes.describe(r.attributes.mair)) \(ViewWords.shareability(r.attributes.shareability))"
      let flags = ViewWords.flags(r, regime: space.regime)
      if !flags.isEmpty { s += " " + flags.joined(separator: " ") }
      return s + "\\l"
    }
    func index(_ address: UInt64, in t: TableNode) -> Int {
      let shift = space.geometry.levelShift(t.level)
      return Int(truncatingIfNeeded: (address &- t.first) >> UInt64(shift))
    }
    /// Run notes under a table (edges labelled with the entry indices) or a group.
    func addRuns(_ runs: [LeafRun], from parent: String, table t: TableNode?) {
      for r in runs.prefix(runsShown) {
        let id = "r\(runNodes)"
        runNodes += 1
        out.append("  \(id) [shape=note, label=\"\(runLabel(r))\"];")
        guard let t else {
          out.append("  \(parent) -> \(id);")
          continue
        }
        let a = index(r.first, in: t)
        let b = index(r.last, in: t)
        out.append("  \(parent) -> \(id) [label=\"[\(a == b ? "\(a)" : "\(a)..\(b)")]\"];")
      }
      if runs.count > runsShown {
        let id = "r\(runNodes)"
        runNodes += 1
        out.append("  \(id) [shape=plaintext, label=\"... \(runs.count - runsShown) more runs\"];")
        out.append("  \(parent) -> \(id) [style=dashed];")
      }
    }
    func tableLabel(_ t: TableNode) -> String {
      var s = "L\(t.level) table \(f.hex(t.address))"
      if t.pa != t.address { s += "\\lpa \(f.hex(t.pa))" }
      let entries =
        t.level == space.geometry.startLevel
        ? space.geometry.startEntries : space.granule.entriesPerTable
      s += "\\l\(t.validEntries) of \(entries) entries valid"
      if t.level == space.geometry.startLevel && space.geometry.concatenatedTables > 1 {
        s += "\\l\(space.geometry.concatenatedTables) concatenated tables"
      }
      if t.reservedEntries > 0 { s += "\\l\(t.reservedEntries) reserved (invalid) encodings" }
      return s + "\\l"
    }
    for (i, t) in scan.tables.enumerated() where t.parent == nil {
      out.append("  t\(i) [label=\"\(tableLabel(t))\"];")
    }
    var grouped = Set<Int>()
    for (i, t) in scan.tables.enumerated() where !grouped.contains(i) {
      // Children: single tables, or groups of consecutive leaf-only tables.
      var k = 0
      let kids = t.children
      while k < kids.count {
        var end = k
        func leafOnly(_ c: Int) -> Bool { scan.tables[c].children.isEmpty }
        while end + 1 < kids.count && leafOnly(kids[k]) && leafOnly(kids[end + 1])
          && scan.tables[kids[end + 1]].parentIndex == (scan.tables[kids[end]].parentIndex ?? -2)
            + 1
        {
          end += 1
        }
        if end - k + 1 >= groupFrom {
          let members = kids[k...end].map { scan.tables[$0] }
          grouped.formUnion(kids[k...end])
          let id = "g\(groups)"
          groups += 1
          let firstT = members[0]
          let lastT = members[members.count - 1]
          var label = "\(members.count) L\(firstT.level) tables\\l"
          label += "\(f.hex(firstT.address)) .. \(f.hex(lastT.address))\\l"
          label += "\(members.reduce(0) { $0 + $1.validEntries }) entries valid\\l"
          out.append("  \(id) [shape=box3d, label=\"\(label)\"];")
          out.append(
            "  t\(i) -> \(id) [label=\"[\(firstT.parentIndex ?? 0)..\(lastT.parentIndex ?? 0)]\"];")
          var merged: [LeafRun] = []
          for m in members {
            for r in m.runs {
              if let l = merged.last, l.continues(with: r, addressMask: mask) {
                merged[merged.count - 1].extend(with: r)
              } else {
                merged.append(r)
              }
            }
          }
          addRuns(merged, from: id, table: nil)
          k = end + 1
          continue
        }
        let c = kids[k]
        out.append("  t\(c) [label=\"\(tableLabel(scan.tables[c]))\"];")
        out.append("  t\(i) -> t\(c) [label=\"[\(scan.tables[c].parentIndex ?? 0)]\"];")
        k += 1
      }
      addRuns(t.runs, from: "t\(i)", table: t)
    }
    out.append("}")
    return GraphSource(text: out.joined(separator: "\n") + "\n", groups: groups, runs: runNodes)
  }
}
