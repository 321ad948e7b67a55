/// The last few successful setups, so that walks under unchanged registers do not derive them
/// again (without a TLB, deriving the stage-1 setup cost as much as the four descriptor reads
/// of the walk, and a nested walk derives the stage-2 one five times).
///
/// A setup is a function of the registers, the regime, the access and its privilege, and of
/// the input address only through its bits at and above IA: the range-select bit 55, the
/// bits that must equal it, the top byte TBI ignores. A stage-2 setup depends on the IPA only
/// through the check that its bits at and above IA are zero, and not on the access at all
/// when it succeeds. So an entry answers for another address whose bits [63:IA] are the same,
/// under registers equal to the ones it was derived from (an array comparison that is one
/// pointer test while the CPU's register storage is unchanged). Failed setups are not kept:
/// their checks run again every time.
final class StageSetupMemo {
  /// One remembered setup: a tag (regime, access, privilege, IA << 16), the address bits
  /// above IA, the registers' identity, the setup.
  private struct Entry {
    var tag: UInt64
    var top: UInt64
    var identity: UInt64
    var setup: StageSetup
  }
  // At most `capacity` entries, scanned in order, in memory this object owns: a look-up is
  // a few loads and compares, with no array to retain or bounds to check.
  @exclusivity(unchecked) private var entries: UnsafeMutablePointer<Entry>
  @exclusivity(unchecked) private var count = 0
  @exclusivity(unchecked) private var next = 0
  private static let capacity = 4

  init() { entries = .allocate(capacity: Self.capacity) }
  deinit {
    entries.deinitialize(count: count)
    entries.deallocate()
  }

  @inline(always)
  private static func tag(
    _ regime: Regime, _ access: AccessType, _ unprivileged: Bool, _ pan: Bool = false
  ) -> UInt64 {
    UInt64(truncatingIfNeeded: regime.rawValue) | UInt64(truncatingIfNeeded: access.rawValue) << 4
      | (unprivileged ? 1 << 8 : 0) | (pan ? 1 << 9 : 0)
  }

  @inline(always)
  private func find(_ regs: RegisterFile, _ tag: UInt64, _ address: UInt64) -> StageSetup? {
    let identity = regs.identity
    var e = entries
    let end = entries + count
    while e < end {
      let t = e.pointee.tag
      if t & 0xffff == tag && address >> (t >> 16) == e.pointee.top
        && e.pointee.identity == identity
      {
        return e.pointee.setup
      }
      e += 1
    }
    return nil
  }

  private func remember(_ regs: RegisterFile, _ tag: UInt64, _ address: UInt64, _ s: StageSetup) {
    let ia = UInt64(truncatingIfNeeded: s.geometry.inputBits)
    let entry = Entry(tag: tag | ia << 16, top: address >> ia, identity: regs.identity, setup: s)
    if count < Self.capacity {
      (entries + count).initialize(to: entry)
      count += 1
    } else {
      entries[next] = entry
      next = (next + 1) % Self.capacity
    }
  }

  /// `TranslationSetup.stage1`, remembered.
  @inline(always)
  func stage1(
    _ regs: RegisterFile, regime: Regime, va: UInt64, access: AccessType, unprivileged: Bool,
    pan: Bool = false
  ) -> Result<StageSetup, Fault> {
    let tag = Self.tag(regime, access, unprivileged, pan)
    if let s = find(regs, tag, va) { return .success(s) }
    let r = TranslationSetup.stage1(
      regs, regime: regime, va: va, access: access, unprivileged: unprivileged, pan: pan)
    if case .success(let s) = r { remember(regs, tag, va, s) }
    return r
  }

  /// `TranslationSetup.stage2`, remembered (keyed as a read: a successful stage-2 setup is
  /// the same for every access).
  @inline(always)
  func stage2(_ regs: RegisterFile, ipa: UInt64, access: AccessType) -> Result<StageSetup, Fault> {
    let tag = Self.tag(.stage2, .read, false)
    if let s = find(regs, tag, ipa) { return .success(s) }
    let r = TranslationSetup.stage2(regs, ipa: ipa, access: access)
    if case .success(let s) = r { remember(regs, tag, ipa, s) }
    return r
  }
}
