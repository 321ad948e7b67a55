import MMU
import MMUSyntax

#if canImport(Glibc)
  import Glibc
#endif

/// Words the views share (text, DOT): sizes, rights per EL, memory types and flags of a leaf.
public enum ViewWords {
  /// A size in the units the language reads: one unit when exact and below 1024 of it
  /// (`4K`, `2M`, `256T`), else two exact terms (`4M+16K`, `1G+64K`), else an approximation
  /// in the largest unit (`~16E`, `~128T`).
  public static func size(_ x: UInt64) -> String {
    let units: [(Int, String)] = [
      (60, "E"), (50, "P"), (40, "T"), (30, "G"), (20, "M"), (10, "K"), (0, ""),
    ]
    guard let (shift, unit) = units.first(where: { x >> UInt64($0.0) != 0 }), shift > 0 else {
      return String(x)
    }
    let whole = x >> UInt64(shift)
    let rest = x & lowMask(shift)
    if rest == 0 { return "\(whole)\(unit)" }
    // The rest in the largest unit that divides it exactly, if it is a small number of it.
    if let (s2, u2) = units.first(where: { $0.0 < shift && rest & lowMask($0.0) == 0 }),
      rest >> UInt64(s2) < 1024
    {
      return "\(whole)\(unit)+\(rest >> UInt64(s2))\(u2)"
    }
    let value = Double(x) / Double(UInt64(1) << UInt64(shift))
    // Whole units from 10 on, else one decimal (dropped when it is 0).
    let tenths = value >= 10 ? Int(value.rounded()) * 10 : Int((value * 10).rounded())
    let rounded = tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    return "~\(rounded)\(unit)"
  }

  /// The privileged EL of a regime's accesses: `el1` for EL1&0 and stage 2, `el2` otherwise.
  public static func privilegedEL(_ regime: MMU.Regime) -> String {
    regime == .el10 || regime == .stage2 ? "el1" : "el2"
  }

  public static func rwx(_ r: Bool, _ w: Bool, _ x: Bool) -> String {
    (r ? "r" : "-") + (w ? "w" : "-") + (x ? "x" : "-")
  }

  /// `el0 r-- el1 rw-`; one-range EL2 has no EL0: `el2 rw-`.
  public static func rights(_ p: Permissions, regime: MMU.Regime) -> String {
    let priv = rwx(p.privRead, p.privWrite, p.privExec)
    if regime == .el2 { return "el2 \(priv)" }
    return "el0 \(rwx(p.el0Read, p.el0Write, p.el0Exec)) \(privilegedEL(regime)) \(priv)"
  }

  /// `inner`, `outer`, `non`.
  public static func shareability(_ s: MMU.Shareability) -> String {
    switch s {
    case .none: "non"
    case .reserved: "rsvd"
    case .outer: "outer"
    case .inner: "inner"
    }
  }

  /// The flags ptdump would add: nG, contiguous, access flag clear, DBM, NS.
  public static func flags(_ run: LeafRun, regime: MMU.Regime) -> [String] {
    let d = Descriptor(run.descriptor)
    var out: [String] = []
    if !run.global { out.append("nG") }
    if run.contiguous { out.append("CONT") }
    if !run.accessFlag { out.append("AF=0") }
    if d.dbm { out.append("DBM") }
    if regime != .stage2 && d.ns { out.append("NS") }
    if run.tableAttributeFlags.restrictsPermissions && regime != .stage2 { out.append("TBL") }
    return out
  }

  /// `4K granule, 48-bit VA, levels 0..3`, `16K granule, 40-bit IPA, levels 2..3, 16 tables
  /// concatenated at L2`, `…, LPA2`.
  public static func geometry(_ g: Geometry, regime: MMU.Regime, concatenation: Bool = true)
    -> String
  {
    var s =
      "\(g.granule) granule, \(g.inputBits)-bit \(regime == .stage2 ? "IPA" : "VA"), levels \(g.startLevel)..3"
    if concatenation && g.concatenatedTables > 1 {
      s += ", \(g.concatenatedTables) tables concatenated at L\(g.startLevel)"
    }
    if g.ds { s += ", LPA2" }
    return s
  }

  /// `L2 block`, `L3 4 pages`.
  public static func leaves(level: Int, kind: DescriptorKind, count: Int) -> String {
    count == 1 ? "L\(level) \(kind)" : "L\(level) \(count) \(kind)s"
  }
}

/// The table tree of a space as Graphviz: tables as nodes labelled with their address, runs
/// of leaves as notes; sibling tables that hold only leaves are grouped into one node, so a
/// 1 GiB map of 4K pages is one node for its 512 L3 tables.
enum GraphBuilder {
  /// Sibling leaf tables grouped into one node from this many on.
  static let groupFrom = 3
  /// Run notes listed per table (or group) before a "… more" line.
  static let runsShown = 8

  struct Result {
    var text: String
    var groups: Int
    var runs: Int
  }

  static func dot(space: AddressSpace, scan: TableScan, formatter f: ValueFormatter) -> Result {
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
      var s = "\(f.hex(r.first))-\(f.hex(r.last &+ 1))\\l"
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
    return Result(text: out.joined(separator: "\n") + "\n", groups: groups, runs: runNodes)
  }

  enum Rendering: Equatable {
    case rendered
    case dotMissing
  }

  /// Where `dot` is: $MMUSH_DOT when set (a path; one that is not an executable file means
  /// "not installed", which is how tests simulate a machine without Graphviz), else each
  /// absolute folder of $PATH, then the usual places. A relative $PATH entry (`.`) is
  /// skipped: a script's folder could otherwise bring its own `dot` to run.
  static func findDot(environment: (String) -> String? = GraphBuilder.environment) -> String? {
    func executable(_ p: String) -> Bool { FileIO.isFile(p) && access(p, X_OK) == 0 }
    if let forced = environment("MMUSH_DOT") { return executable(forced) ? forced : nil }
    let folders =
      (environment("PATH") ?? "").split(separator: ":").map(String.init).filter {
        $0.hasPrefix("/")
      }
      + ["/usr/bin", "/usr/local/bin", "/bin"]
    return folders.map { $0 + "/dot" }.first(where: executable)
  }

  static func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }

  /// Seconds `dot` may run: 60, or $MMUSH_DOT_TIMEOUT (the tests use a short one).
  static var dotTimeout: Int {
    environment("MMUSH_DOT_TIMEOUT").flatMap { Int($0) }.map { max(1, $0) } ?? 60
  }

  /// Runs Graphviz `dot` on `source` with an argument vector (never a shell), or says it is
  /// missing.
  static func render(source: String, to target: String, format: String, dot: String?)
    throws -> Rendering
  {
    guard let dotPath = dot else { return .dotMissing }
    let args = [dotPath, "-T\(format)", "-o", target, source]
    var cargs = args.map { strdup($0) } + [nil]
    defer { for c in cargs { free(c) } }
    var pid: pid_t = 0
    // Its own process group, so a timeout kills whatever it started too.
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attr, 0)
    let rc = posix_spawn(&pid, dotPath, nil, &attr, &cargs, environ)
    guard rc == 0 else {
      throw FileIO.Failure(message: "cannot run \(dotPath): \(String(cString: strerror(rc)))")
    }
    // dot on a huge graph can run for hours: it gets `dotTimeout` seconds, then is killed.
    var status: Int32 = 0
    var waited = 0
    let timeout = dotTimeout
    while true {
      let r = waitpid(pid, &status, WNOHANG)
      if r == pid || (r == -1 && errno != EINTR) { break }
      if waited >= timeout * 100 {
        kill(-pid, SIGKILL)
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        throw FileIO.Failure(
          message: "\(dotPath) ran for more than \(timeout) s making \(target): stopped")
      }
      usleep(10_000)
      waited += 1
    }
    guard status == 0 else {
      throw FileIO.Failure(message: "\(dotPath) failed (wait status \(status)) making \(target)")
    }
    return .rendered
  }
}
