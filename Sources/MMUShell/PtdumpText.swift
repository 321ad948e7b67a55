import MMU
import MMUScript
import MMUSyntax

/// The kernels' own dump text, byte for byte: arm64 Linux's kernel_page_tables
/// (arch/arm64/mm/ptdump.c) and KVM's stage-2 dump (arch/arm64/kvm/ptdump.c), and the
/// whole-table checks that print rows in that form.
struct PtdumpText {
  let r: TextRenderer
  var f: ValueFormatter { r.formatter }
  func line(_ s: String) { r.line(s) }

  /// The kernel's level names (kernel_pg_levels).
  static let linuxLevelNames = ["PGD", "P4D", "PUD", "PMD", "PTE"]

  /// `0x%016lx`.
  static func hex16(_ v: UInt64) -> String {
    "0x" + String(v, radix: 16).leftPadded(16, "0")
  }

  /// `%9lu%c`: the size in K, divided by 1024 while it stays whole, with its unit.
  static func size(_ bytes: UInt64) -> String {
    let units: [Character] = ["K", "M", "G", "T", "P", "E"]
    var delta = bytes >> 10
    var unit = 0
    while delta & 1023 == 0 && unit + 1 < units.count {
      delta >>= 10
      unit += 1
    }
    return String(delta).leftPadded(9) + String(units[unit])
  }

  /// The attribute fields in pte_bits order, each as ` %s` (a NULL `clear` prints nothing).
  static func linuxAttributes(_ prot: UInt64) -> String {
    func field(_ bit: UInt64, _ set: String, _ clear: String) -> String {
      " " + (prot & bit == bit ? set : clear)
    }
    var s = field(LinuxPtdump.valid, " ", "F")
    s += field(LinuxPtdump.user, "USR", "   ")
    s += field(LinuxPtdump.readOnly, "ro", "RW")
    s += field(LinuxPtdump.pxn, "NX", "x ")
    s += field(3 << 8, "SHD", "   ")
    s += field(1 << 10, "AF", "  ")
    s += field(1 << 11, "NG", "  ")
    s += field(1 << 52, "CON", "   ")
    s += field(1 << 1, "   ", "BLK")
    s += field(LinuxPtdump.uxn, "UXN", "   ")
    s += field(1 << 50, "GP", "  ")
    // AttrIndx against MT_DEVICE_nGnRnE (3), MT_DEVICE_nGnRE (4), MT_NORMAL_NC (2),
    // MT_NORMAL (0), MT_NORMAL_TAGGED (1), in that order (memory.h).
    let index = (prot >> 2) & 7
    let types: [(UInt64, String)] = [
      (3, "DEVICE/nGnRnE"), (4, "DEVICE/nGnRE"), (2, "MEM/NORMAL-NC"), (0, "MEM/NORMAL"),
      (1, "MEM/NORMAL-TAGGED"),
    ]
    for (value, name) in types where value == index { s += " " + name }
    return s
  }

  /// stage2_pte_bits: each field is tested together with the valid bit.
  static func kvmAttributes(_ prot: UInt64) -> String {
    let valid = LinuxPtdump.valid
    func field(_ mask: UInt64, _ value: UInt64, _ set: String, _ clear: String) -> String {
      " " + (prot & (mask | valid) == value ? set : clear)
    }
    var s = field(0, valid, " ", "F")
    s += field(1 << 6, 1 << 6 | valid, "R", " ")
    s += field(1 << 7, 1 << 7 | valid, "W", " ")
    s += field(1 << 54, valid, " ", "X")
    s += field(1 << 10, 1 << 10 | valid, "AF", "  ")
    s += field(1 << 1, valid, "BLK", "   ")
    return s
  }

  /// One row: `0x%016lx-0x%016lx   %9lu%c LEVEL` then the attributes unless it is a hole.
  static func row(_ row: PtdumpRow, format: DumpFormat) -> String {
    var s = hex16(row.start) + "-" + hex16(row.end) + "   " + size(row.size) + " "
    switch format {
    case .linux:
      s += linuxLevelNames[min(max(row.kernelLevel, 0), 4)]
      if row.prot != 0 { s += linuxAttributes(row.prot) }
    case .kvm:
      s += String(row.level)
      if row.prot != 0 { s += kvmAttributes(row.prot) }
    }
    return s
  }

  static func lines(_ lines: [PtdumpLine], format: DumpFormat) -> [String] {
    lines.map { l in
      switch l {
      case .marker(let name): "---[ \(name) ]---"
      case .row(let r): row(r, format: format)
      }
    }
  }

  /// Only the kernel's lines, so the output compares with kernel_page_tables directly.
  func ptdump(_ e: PtdumpEvent) {
    PtdumpText.lines(e.lines, format: e.format).forEach(line)
  }

  /// The kernel's own summary line, then the rows that counted.
  func wx(_ e: WXCheckEvent) {
    let w = e.result
    let target = ViewTargetText.text(e.target)
    line("check wx \(target): \(e.section), \(ViewWords.size(e.pageSize)) pages")
    if w.passed {
      line("Checked W+X mappings: passed, no W+X pages found")
      return
    }
    line(
      "Checked W+X mappings: FAILED, \(w.wxPages) W+X pages found, \(w.nonUXNPages) non-UXN pages found"
    )
    for row in w.wxRows { line("W+X      " + PtdumpText.row(row, format: .linux)) }
    for row in w.nonUXNRows { line("non-UXN  " + PtdumpText.row(row, format: .linux)) }
  }

  func mapping(_ m: PhysicalMapping) -> String {
    let v = ViewText(r: r)
    let out = m.outputIsIPA ? "ipa " : ""
    return
      "\(v.hex(m.va, digits: 16))-\(v.end(m.va &+ (m.size &- 1), digits: 16))  \(ViewWords.size(m.size).leftPadded(5))"
      + "  <- \(out)\(f.hex(m.pa))  \(m.section) L\(m.run.level) \(m.run.kind)"
      + "  \(ViewWords.rights(m.run.permissions, regime: m.regime))"
      + "  \(MemoryAttributes.describe(m.run.attributes.mair))"
  }

  func findPA(_ e: FindPAEvent) {
    let n = e.mappings.count
    line(
      "find pa \(f.hex(e.first))-\(ViewText(r: r).end(e.last, digits: 1)) in \(ViewTargetText.text(e.target)): \(n) mapping\(n == 1 ? "" : "s")"
    )
    e.mappings.map(mapping).forEach(line)
  }

  func aliases(_ e: AliasCheckEvent) {
    let n = e.aliases.count
    let target = ViewTargetText.text(e.target)
    line("check aliases \(target): \(n == 0 ? "no" : String(n)) alias\(n == 1 ? "" : "es")")
    for a in e.aliases {
      line("pa \(f.hex(a.first))-\(ViewText(r: r).end(a.last, digits: 1)):")
      line("  " + mapping(a.a))
      line("  " + mapping(a.b))
    }
  }

  func diff(_ e: DumpDiffEvent) {
    line("--- \(ViewTargetText.text(e.first))")
    line("+++ \(ViewTargetText.text(e.second))")
    for l in e.lines {
      switch l {
      case .removed(let row): line("-" + PtdumpText.row(row, format: e.format))
      case .added(let row): line("+" + PtdumpText.row(row, format: e.format))
      }
    }
  }
}
