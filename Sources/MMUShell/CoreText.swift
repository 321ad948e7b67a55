import MMU
import MMUCoreFile
import MMUScript

/// The wording of `load core`: the summary paragraph and its JSON object (docs/json.md).
enum CoreText {
  static let formatter = ValueFormatter()
  static func hex(_ v: UInt64) -> String { formatter.hex(v) }

  static func granuleText(_ g: Granule) -> String {
    switch g {
    case .k4: "4K"
    case .k16: "16K"
    case .k64: "64K"
    }
  }

  /// The lines `load core` prints: release and geometry, the registers written, the CPUs
  /// and the RAM ranges.
  static func summary(_ c: LoadedCore) -> [String] {
    var lines: [String] = []
    let release = c.vmcoreinfo?["OSRELEASE"].map { "Linux \($0)" } ?? "no VMCOREINFO"
    if let r = c.registers {
      lines.append(
        "core \(c.path): \(release), \(granuleText(r.granule)) pages, \(r.vaBits)-bit kernel VAs"
          + (r.ds ? " (TCR_EL1.DS=1)" : ""))
      lines.append(
        "  TTBR1_EL1 \(hex(r.ttbr1)) (swapper_pg_dir), TCR_EL1 \(hex(r.tcr)), MAIR_EL1 "
          + "\(hex(r.mair)) (Linux \(r.mairLayout.since.major).\(r.mairLayout.since.minor)+ "
          + "slots), SCTLR_EL1.M=1")
    } else {
      lines.append("core \(c.path): \(release); registers unchanged")
    }
    if !c.cpus.isEmpty {
      let cpus = c.cpus.enumerated().map { "cpu\($0.offset) EL\($0.element.exceptionLevel)" }
      lines.append(
        "  \(c.cpus.count) CPU\(c.cpus.count == 1 ? "" : "s"): " + cpus.joined(separator: ", "))
    }
    let ram = c.ranges.map {
      "\(hex($0.address))-\(hex($0.address &+ $0.size &- 1)) (\(ViewWords.size($0.size)))"
    }
    lines.append("  RAM " + (ram.isEmpty ? "none" : ram.joined(separator: ", ")))
    return lines
  }
}

extension JSONRenderer {
  /// `{"type":"core", ...}`: what was loaded and each register written.
  func core(_ e: CoreEvent) {
    let c = e.state
    open("core", e.range)
    j.string("file", c.path)
    if let release = c.vmcoreinfo?["OSRELEASE"] { j.string("release", release) }
    if let r = c.registers {
      j.int("page_size", Int(r.granule.size))
      j.int("va_bits", r.vaBits)
      j.bool("ds", r.ds)
      j.hex("ttbr1_el1", r.ttbr1)
      j.hex("tcr_el1", r.tcr)
      j.hex("mair_el1", r.mair)
      j.hex("sctlr_el1", r.sctlr)
    }
    j.openArray("cpus")
    for cpu in c.cpus {
      j.openObject()
      j.int("el", cpu.exceptionLevel)
      j.hex("pc", cpu.pc)
      j.hex("sp", cpu.sp)
      j.hex("pstate", cpu.pstate)
      j.closeObject()
    }
    j.closeArray()
    j.openArray("ram")
    for r in c.ranges {
      j.openObject()
      j.hex("address", r.address)
      j.hex("size", r.size)
      j.closeObject()
    }
    j.closeArray()
    close()
  }
}
