/// The kinds of access a TLB entry allows, so that an address-only hit
/// (`Machine.hitAddress`) answers with one bit test rather than by decoding permissions.
///
/// An access is one of twelve kinds (read, write or execute; privileged or not; PSTATE.PAN
/// set or not). The first hit of an entry works out all twelve from its permissions as a
/// full hit does (`Machine.cachedRights`) and records them in the slot, where the hit plan
/// (`TLBHitPlan`) tests the bit of its kind. The
/// answer depends on the registers only through the entry's stamp (a hit is taken only while
/// the registers are those of the fill), so it stays right for the entry's life.
enum TLBRights {
  /// The kind of an access (0-11): its bit in the slot.
  @inline(always)
  static func kind(_ access: AccessType, unprivileged: Bool, pan: Bool) -> Int {
    access.rawValue &+ (unprivileged ? 3 : 0) &+ (pan ? 6 : 0)
  }
}

extension Machine {
  /// Records the kinds of access the entry in `slot` of `c`'s TLB allows, at its first hit
  /// (the hit plan reads them from the slot).
  @inline(always)
  func learnRights(slot: Int, _ c: CPU) {
    guard c.tlb.leaves.slots[slot].value & TLBLeafSlot.rightsKnown == 0 else { return }
    let e = c.tlb.leaves.entries[slot]
    c.tlb.leaves.recordRights(slot, allowed: allowedKinds(e.translation, regime: e.regime, cpu: c))
  }

  /// The kinds of access (`TLBRights`) a cached translation of `regime` allows on `c`, as a
  /// bit set.
  func allowedKinds(_ t: Translation, regime: Regime, cpu c: CPU) -> UInt64 {
    // As `cachedRights` for each kind, with PAN's restriction for the regime decoded once:
    // this runs at an entry's first hit. PSTATE.PAN=1 changes the answer only where PAN
    // applies (privileged data accesses); elsewhere the kind 6 above has the same answer.
    let panRule = PrivilegedAccessNever(c.registers, regime: regime)
    let regimeHasEL0 = regime.hasTwoRanges || regime == .stage2
    var bits: UInt64 = 0
    for level in 0..<2 {
      let el0 = level == 1
      let unprivileged = el0 && regimeHasEL0
      for a in 0..<3 {
        let access = AccessType(rawValue: a) ?? .exec
        let k = UInt64(truncatingIfNeeded: TLBRights.kind(access, unprivileged: el0, pan: false))
        let allowed =
          Self.cachedRights(t, access: access, unprivileged: unprivileged, el0: el0, pan: .none)
          == .allowed
        guard allowed else { continue }
        bits |= 1 << k
        if !PrivilegedAccessNever.applies(access: access, unprivileged: unprivileged, pan: true)
          || Self.cachedRights(
            t, access: access, unprivileged: unprivileged, el0: el0, pan: panRule) == .allowed
        {
          bits |= 1 << (k &+ 6)
        }
      }
    }
    return bits
  }
}
