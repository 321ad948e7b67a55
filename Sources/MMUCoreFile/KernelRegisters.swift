import MMU

/// The EL1 registers of a Linux kernel, derived from its VMCOREINFO: what `load core` writes
/// so that `walk el1` works with no register typed.
public struct KernelRegisters: Equatable, Sendable {
  public var granule: Granule
  /// The kernel half's VA size, 64 - TCR_EL1.T1SZ.
  public var vaBits: Int
  /// TCR_EL1.DS: 52-bit VAs with 4K or 16K pages (FEAT_LPA2).
  public var ds: Bool
  /// swapper_pg_dir's physical address.
  public var pgdPhysical: UInt64
  public var tcr: UInt64
  public var ttbr1: UInt64
  public var mair: UInt64
  public var sctlr: UInt64
  public var mairLayout: LinuxMAIR.Layout

  /// Derives the registers. `paRange` is the CPU's ID_AA64MMFR0_EL1.PARange (Linux sets
  /// TCR_EL1.IPS from it); `sctlr` is the value to set M in.
  public init(_ info: VMCoreInfo, paRange: UInt64, sctlr: UInt64) throws(CoreFileError) {
    guard let pageSize = try info.number("PAGESIZE") else { throw .missingKey("PAGESIZE") }
    switch pageSize {
    case 4096: granule = .k4
    case 16384: granule = .k16
    case 65536: granule = .k64
    default:
      throw .badValue(key: "PAGESIZE", value: "\(pageSize)", reason: "not 4096, 16384 or 65536")
    }
    let t1sz: UInt64
    if let key = ["NUMBER(TCR_EL1_T1SZ)", "NUMBER(tcr_el1_t1sz)"].first(where: { info[$0] != nil }),
      let v = try info.number(key)
    {
      guard (12...39).contains(v) else {
        throw .badValue(key: key, value: info[key] ?? "", reason: "T1SZ must be 12...39")
      }
      t1sz = v
    } else if let va = try info.number("NUMBER(VA_BITS)") {
      // VA_BITS is the configured maximum: the running size only when it cannot differ,
      // below 52 bits, or with 64K pages where LVA's absence is not recorded (docs/cores.md).
      guard [36, 39, 42, 47, 48, 52].contains(va) else {
        throw .badValue(key: "NUMBER(VA_BITS)", value: "\(va)", reason: "not a Linux VA size")
      }
      guard va < 52 || granule == .k64 else { throw .missingKey("NUMBER(TCR_EL1_T1SZ)") }
      t1sz = 64 - va
    } else {
      throw .missingKey("NUMBER(TCR_EL1_T1SZ)")
    }
    vaBits = 64 - Int(t1sz)
    ds = t1sz < 16 && granule != .k64
    guard let swapper = try info.number("SYMBOL(swapper_pg_dir)") else {
      throw .missingKey("SYMBOL(swapper_pg_dir)")
    }
    guard let voffset = try info.number("NUMBER(kimage_voffset)") else {
      throw .missingKey("NUMBER(kimage_voffset)")
    }
    let (pa, borrow) = swapper.subtractingReportingOverflow(voffset)
    guard !borrow else {
      throw .badValue(
        key: "SYMBOL(swapper_pg_dir)", value: info["SYMBOL(swapper_pg_dir)"] ?? "",
        reason: "below NUMBER(kimage_voffset) \(hex(voffset))")
    }
    let paLimit: UInt64 = ds || granule == .k64 ? 1 << 52 : 1 << 48
    guard pa < paLimit, pa & 0xfff == 0 else {
      throw .badValue(
        key: "SYMBOL(swapper_pg_dir)", value: info["SYMBOL(swapper_pg_dir)"] ?? "",
        reason:
          "swapper_pg_dir - kimage_voffset = \(hex(pa)), not a 4 KiB-aligned PA below \(hex(paLimit))"
      )
    }
    pgdPhysical = pa
    // TTBR BADDR: with 52-bit output addresses PA[51:48] sits in bits [5:2]
    // (AArch64.TTBaseAddress).
    ttbr1 = (pa & 0x0000_ffff_ffff_f000) | ((pa >> 48) << 2)
    // TG0 00/01/10 = 4K/64K/16K; TG1 10/11/01 = 4K/64K/16K (TCR_EL1).
    let (tg0, tg1): (UInt64, UInt64) =
      switch granule {
      case .k4: (0, 2)
      case .k16: (2, 1)
      case .k64: (1, 3)
      }
    // IPS: the CPU's PARange, as __cpu_setup sets it, at most 48 bits without 52-bit
    // output addresses (DS=0 with 4K or 16K).
    var ips = min(paRange, 6)
    if !ds && granule != .k64 { ips = min(ips, 5) }
    var tcr = RegisterDefaults.tcrEL1
    tcr = withBitField(tcr, 5, 0, t1sz)  // T0SZ
    tcr |= 1 << 7  // EPD0: a core holds no user tables.
    tcr = withBitField(tcr, 15, 14, tg0)
    tcr = withBitField(tcr, 21, 16, t1sz)
    tcr = withBitField(tcr, 31, 30, tg1)
    tcr = withBitField(tcr, 34, 32, ips)
    tcr = withBitField(tcr, 59, 59, ds ? 1 : 0)
    tcr |= Self.linuxTCRFlags(release: info.release)
    self.tcr = tcr
    mairLayout = LinuxMAIR.layout(for: info.release)
    mair = mairLayout.value
    self.sctlr = sctlr | 1
  }

  /// The TCR_EL1 bits `__cpu_setup` (arch/arm64/mm/proc.S) sets whatever the CPU, beyond the
  /// geometry: TBI0 [37] and A1 [22] always; TBI1 [38] and TBID1 [52] from 5.10, where
  /// CONFIG_ARM64_MTE (default y) adds them, so a tagged kernel pointer translates as it did
  /// on the machine (AArch64.AddrTop; docs/cores.md). The newest rules when the release is
  /// unknown.
  static func linuxTCRFlags(release: (major: Int, minor: Int)?) -> UInt64 {
    let always: UInt64 = 1 << 37 | 1 << 22
    guard let r = release, (r.major, r.minor) < (5, 10) else {
      return always | 1 << 38 | 1 << 52
    }
    return always
  }
}
