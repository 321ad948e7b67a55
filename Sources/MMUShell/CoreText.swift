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
  func coreObject(_ e: CoreEvent) -> JSONObject {
    let c = e.state
    var o = base("core", e.range)
    o.string("file", c.path)
    if let release = c.vmcoreinfo?["OSRELEASE"] { o.string("release", release) }
    if let r = c.registers {
      o.int("page_size", Int(r.granule.size))
      o.int("va_bits", r.vaBits)
      o.bool("ds", r.ds)
      o.hex("ttbr1_el1", r.ttbr1)
      o.hex("tcr_el1", r.tcr)
      o.hex("mair_el1", r.mair)
      o.hex("sctlr_el1", r.sctlr)
    }
    o.array(
      "cpus",
      c.cpus.map {
        var cpu = JSONObject()
        cpu.int("el", $0.exceptionLevel)
        cpu.hex("pc", $0.pc)
        cpu.hex("sp", $0.sp)
        cpu.hex("pstate", $0.pstate)
        return cpu.text
      })
    o.array(
      "ram",
      c.ranges.map {
        var r = JSONObject()
        r.hex("address", $0.address)
        r.hex("size", $0.size)
        return r.text
      })
    return o
  }
}
