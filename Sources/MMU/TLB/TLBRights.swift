/// The kinds of access a TLB entry allows, so that an address-only hit
/// (`Machine.hitAddress`) answers with one bit test rather than by decoding permissions.
///
/// An access is one of twelve kinds (read, write or execute; privileged or not; PSTATE.PAN
/// set or not). The first address-only hit of an entry works out all twelve from its
/// permissions as a full hit does (`Machine.cachedRights`) and records them in the slot. The
/// answer depends on the registers only through the entry's stamp (a hit is taken only while
/// the registers are those of the fill), so it stays right for the entry's life.
enum TLBRights {
  /// The kind of an access (0-11): its bit in the slot.
  @inline(__always)
  static func kind(_ access: AccessType, unprivileged: Bool, pan: Bool) -> Int {
    access.rawValue &+ (unprivileged ? 3 : 0) &+ (pan ? 6 : 0)
  }

  /// The access type of each kind, by `kind % 3`.
  @inline(__always)
  static func access(ofKind k: Int) -> AccessType {
    switch k % 3 {
    case 0: .read
    case 1: .write
    default: .exec
    }
  }
}

extension Machine {
  /// The kinds of access (`TLBRights`) a cached translation of `regime` allows on `c`, as a
  /// bit set.
  func allowedKinds(_ t: Translation, regime: Regime, cpu c: CPU) -> UInt64 {
    // As `cachedRights` for each kind, with PAN's restriction for the regime decoded once:
    // this runs at the first address-only hit of every entry.
    let panRule = PrivilegedAccessNever(c.registers, regime: regime)
    let regimeHasEL0 = regime.hasTwoRanges || regime == .stage2
    var bits: UInt64 = 0
    for k in 0..<12 {
      let access = TLBRights.access(ofKind: k)
      let el0 = k % 6 >= 3
      let unprivileged = el0 && regimeHasEL0
      let pan =
        PrivilegedAccessNever.applies(access: access, unprivileged: unprivileged, pan: k >= 6)
        ? panRule : .none
      if Self.cachedRights(t, access: access, unprivileged: unprivileged, el0: el0, pan: pan)
        == .allowed
      {
        bits |= 1 << UInt64(k)
      }
    }
    return bits
  }
}
