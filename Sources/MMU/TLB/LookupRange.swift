/// What a TLB lookup takes from one VA range's TCR fields (decoded by `RangeControl`): whether
/// the top byte is ignored, for data and for instruction fetches (AArch64.AddrTop), and
/// whether E0PD denies EL0 accesses to the range whatever the TLB holds (architecture.md §10.1).
///
/// Three bits, so that the CPU's `TLBControls` holds every range in one word and a lookup
/// reads one byte of it.
struct LookupRange {
  let bits: UInt8

  private static let tbiData: UInt8 = 1
  private static let tbiExec: UInt8 = 2
  private static let e0pdBit: UInt8 = 4

  init(bits: UInt8) { self.bits = bits }

  /// `e0pdImplemented`: FEAT_E0PD (without it TCR.E0PDn is RES0).
  init(_ range: RangeControl, e0pdImplemented: Bool) {
    var b: UInt8 = 0
    if range.addressTop(.read) == 55 { b |= Self.tbiData }
    if range.addressTop(.exec) == 55 { b |= Self.tbiExec }
    if range.e0pd && e0pdImplemented { b |= Self.e0pdBit }
    bits = b
  }

  /// TCR.E0PDn with FEAT_E0PD: EL0 accesses to the range fault.
  @inline(always)
  var e0pd: Bool { bits & Self.e0pdBit != 0 }

  /// Whether TBI applies to the access: its key has the top byte replaced.
  @inline(always)
  func ignoresTopByte(_ access: AccessType) -> Bool {
    bits & (access == .exec ? Self.tbiExec : Self.tbiData) != 0
  }
}
