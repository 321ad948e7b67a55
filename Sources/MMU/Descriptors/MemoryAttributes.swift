/// Memory attributes of a translation in MAIR format (the byte PAR_EL1.ATTR reports) plus
/// shareability. Stage-1 bytes come from MAIR_ELx.Attr<AttrIndx>; stage-2 MemAttr is
/// converted and combined as architecture.md §7.3/architecture.md §7.4 describe.
public struct MemoryAttributes: Sendable, Equatable, CustomStringConvertible {
  public var mair: UInt8
  public var shareability: Shareability

  public init(mair: UInt8, shareability: Shareability) {
    self.mair = mair
    self.shareability = shareability
  }

  public var isDevice: Bool { mair & 0xf0 == 0 }
  /// Normal memory that is non-cacheable both inner and outer.
  public var isNonCacheable: Bool { mair == 0x44 || mair == 0x40 }

  /// The shareability PAR_EL1.SH reports: Device and Normal iNC/oNC read as outer (0b10).
  public var reportedShareability: Shareability {
    isDevice || isNonCacheable ? .outer : shareability
  }

  public var description: String { Self.describe(mair) }

  /// A short name of a MAIR attribute byte: `normal-wb`, `device-ngnre`, `normal-nc`…
  public static func describe(_ a: UInt8) -> String {
    if a & 0xf0 == 0 {
      switch a {
      case 0x00: return "device-ngnrne"
      case 0x04: return "device-ngnre"
      case 0x08: return "device-ngre"
      case 0x0c: return "device-gre"
      default: return "device-unpredictable(0x\(String(a, radix: 16)))"
      }
    }
    switch a {
    case 0xff: return "normal-wb"
    case 0xf0: return "normal-tagged"
    case 0x44: return "normal-nc"
    case 0xbb: return "normal-wt"
    case 0xee: return "normal-wb-ra"
    case 0xaa: return "normal-wt-ra"
    default:
      return "normal(o:\(cacheName(a >> 4)),i:\(cacheName(a & 0xf)))"
    }
  }

  static func cacheName(_ nibble: UInt8) -> String {
    switch nibble {
    case 0b0100: "nc"
    case 0b0000: "unpredictable"
    case _ where nibble & 0b1100 == 0b0000: "wt-transient"
    case _ where nibble & 0b1100 == 0b0100: "wb-transient"
    case _ where nibble & 0b1100 == 0b1000: "wt"
    default: "wb"
    }
  }

  /// Cacheability class of a Normal MAIR nibble: 0 NC, 1 WT, 2 WB.
  static func cacheClass(_ nibble: UInt8) -> Int {
    if nibble == 0b0100 { return 0 }
    switch nibble & 0b1100 {
    case 0b0000, 0b1000: return 1
    default: return 2
    }
  }

  /// Weakens a stage-1 Normal nibble to at most `cls` (0 NC, 1 WT, 2 WB), keeping its
  /// allocation and transient hints (hints always come from stage 1).
  static func weaken(_ nibble: UInt8, to cls: Int) -> UInt8 {
    let own = cacheClass(nibble)
    if own <= cls { return nibble }
    if cls == 0 { return 0b0100 }
    // WB -> WT: 01RW (WB transient) -> 00RW (WT transient); 11RW -> 10RW.
    let transient = nibble & 0b1000 == 0
    let rw = nibble & 0b0011
    return transient ? (rw == 0 ? 0b1000 : rw) : (0b1000 | rw)
  }

  /// Stage-2 MemAttr[3:0] (FWB=0) as a MAIR byte: Device types, or Normal with outer in [3:2]
  /// and inner in [1:0] (01 NC, 10 WT, 11 WB).
  public static func stage2MAIR(memAttr: UInt64) -> UInt8 {
    let m = UInt8(truncatingIfNeeded: memAttr & 0xf)
    if m & 0b1100 == 0 { return (m & 3) << 2 }
    func nib(_ c: UInt8) -> UInt8 {
      switch c {
      case 1: 0b0100
      case 2: 0b1011
      case 3: 0b1111
      default: 0b0100  // inner 00 with outer non-zero is reserved: taken as NC
      }
    }
    return nib(m >> 2) << 4 | nib(m & 3)
  }

  /// MAIR_ELx.Attr<index>: the attribute byte a stage-1 AttrIndx selects.
  @inline(__always)
  public static func mairByte(_ mair: UInt64, index: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: mair >> UInt64(8 * (index & 7)))
  }

  /// Whether a stage-2 MemAttr[3:0] makes Device memory on its own: MemAttr[3:2]=00 with
  /// FWB=0; MemAttr[2]=0 with FWB=1 (architecture.md §7.2, §7.4).
  @inline(__always)
  public static func stage2IsDevice(memAttr: UInt64, fwb: Bool) -> Bool {
    fwb ? memAttr & 0b100 == 0 : memAttr & 0b1100 == 0
  }

  /// HCR_EL2.CD for a data access or a table walk (AArch64.S2Translate, S2DCacheEnabled):
  /// stage-2 Normal memory is treated as Normal Non-cacheable, Device memory is unchanged.
  /// Applied to the FWB=0 encoding; with FWB=1 the stage-2 encoding decides (not changed).
  @inline(__always)
  public static func stage2CacheDisabled(memAttr: UInt64, fwb: Bool) -> UInt64 {
    fwb || stage2IsDevice(memAttr: memAttr, fwb: false) ? memAttr : 0b0101
  }

  /// Combines stage 1 and stage 2 (architecture.md §7.3 with FWB=0, architecture.md §7.4 with
  /// FWB=1).
  public static func combine(
    stage1 s1: MemoryAttributes, stage2 memAttr: UInt64, s2Shareability: Shareability, fwb: Bool,
    fwbForcesDevice: Bool = false
  ) -> MemoryAttributes {
    let sh = combineShareability(s1.shareability, s2Shareability)
    if fwb {
      let m = memAttr & 0b111
      switch m {
      case 0b000, 0b001, 0b010, 0b011:
        let dev = UInt8(truncatingIfNeeded: (m & 3) << 2)
        // KVM combines with a stage-1 Device type (the more restrictive); QEMU forces stage 2's.
        let t = s1.isDevice && !fwbForcesDevice ? min(s1.mair, dev) : dev
        return MemoryAttributes(mair: t, shareability: .outer)
      case 0b101:
        return s1.isDevice ? s1 : MemoryAttributes(mair: 0x44, shareability: .outer)
      case 0b110:
        // Forced Normal Write-Back (architecture.md §7.4). Stage-1 Device gives WB RWA; otherwise
        // each nibble on its own: NC (or the UNPREDICTABLE 0b0000) becomes WB RWA, and a cacheable
        // one keeps its allocation/transient hints with Write-Through turned into Write-Back
        // (0b00RW → 0b01RW, 0b10RW → 0b11RW), as QEMU's force_cacheattr_nibble_wb does.
        if s1.isDevice { return MemoryAttributes(mair: 0xff, shareability: sh) }
        func wb(_ n: UInt8) -> UInt8 { n == 0 || n == 0b0100 ? 0xf : n | 0b0100 }
        return MemoryAttributes(
          mair: wb(s1.mair >> 4) << 4 | wb(s1.mair & 0xf), shareability: sh)
      case 0b111:
        // Stage-1 memory type; shareability still combines with stage 2's (architecture.md §7.3).
        return MemoryAttributes(mair: s1.mair, shareability: sh)
      default:  // 0b100 is reserved: taken as Normal NC
        return MemoryAttributes(mair: 0x44, shareability: .outer)
      }
    }
    let s2 = stage2MAIR(memAttr: memAttr)
    let s2Device = s2 & 0xf0 == 0
    if s1.isDevice || s2Device {
      // The more restrictive Device type: nGnRnE < nGnRE < nGRE < GRE in MAIR encoding.
      let t: UInt8 = s1.isDevice && s2Device ? min(s1.mair, s2) : (s1.isDevice ? s1.mair : s2)
      return MemoryAttributes(mair: t, shareability: .outer)
    }
    let outer = weaken(s1.mair >> 4, to: cacheClass(s2 >> 4))
    let inner = weaken(s1.mair & 0xf, to: cacheClass(s2 & 0xf))
    return MemoryAttributes(mair: outer << 4 | inner, shareability: sh)
  }

  /// Outer if either is outer, else inner if either is inner, else non-shareable.
  public static func combineShareability(_ a: Shareability, _ b: Shareability) -> Shareability {
    if a == .outer || b == .outer { return .outer }
    if a == .inner || b == .inner { return .inner }
    return .none
  }
}
