/// The leaf of a walk: what a block or page descriptor grants, checked and updated as the
/// access requires. Every walk (traced or not, with or without the TLB, stage 1 or 2)
/// decides its leaf here, so there is one definition of these rules.
extension Walker {
  /// A fault of one stage's walk at `level`.
  @inline(always)
  static func stageFault(
    _ setup: StageSetup, _ kind: FaultKind, _ level: Int, _ input: UInt64, _ access: AccessType,
    _ s1ptw: Bool
  ) -> Fault {
    let isStage2 = setup.regime.isStage2
    return Fault(
      kind, level: level, stage: isStage2 ? 2 : 1, s1ptw: s1ptw, ipa: isStage2 ? input : nil,
      write: access == .write)
  }

  /// The stage-2 checks of a stage-1 table fetch through stage 2 (S1PTW): it is a read
  /// (architecture.md §8.5), and with HCR_EL2.PTW the stage-2 output must not be Device memory (the
  /// protected table walk of AArch64.S2Translate). Either fault is a stage-2 Permission
  /// fault at the level of the stage-2 leaf, with S1PTW set.
  @inline(always)
  static func tableFetchFault(_ s2: StageLeaf, ipa: UInt64, registers: RegisterFile) -> Fault? {
    if s2.permissions.privRead {
      let hcr = registers.hcr
      guard hcr.ptw && MemoryAttributes.stage2IsDevice(memAttr: s2.attribute, fwb: hcr.fwb)
      else { return nil }
    }
    return Fault(.permission, level: s2.level, stage: 2, s1ptw: true, ipa: ipa, write: false)
  }

  /// The leaf a walk reached (a block or page descriptor at `level`, mapping 2^shift bytes at
  /// `address`): the access flag and dirty state, the rights and attributes, the permission
  /// check and the hardware update (written to `memory` when `hardwareUpdates`). The leaf's
  /// `descriptor` is the value after the update, written or not.
  @inline(always)
  static func leaf(
    memory: PhysicalMemory, _ setup: StageSetup, input: UInt64, access: AccessType,
    unprivileged: Bool, s1ptw: Bool, checkPermissions: Bool, hardwareUpdates: Bool, level: Int,
    shift: Int, descriptor: UInt64, address: UInt64, tableAttrs: TableAttributes, entry: UInt64,
    entryPA: UInt64, tableS2: StageLeaf?
  ) -> Result<StageLeaf, Fault> {
    let g = setup.geometry
    let isStage2 = setup.regime.isStage2
    let write = access == .write
    let d = Descriptor(descriptor)
    let output = (address & ~lowMask(shift)) | (input & lowMask(shift))
    var newDescriptor = descriptor
    if !d.af {
      // Access flag: set by hardware with HA, else an Access flag fault.
      guard setup.hardwareAF else {
        return .failure(stageFault(setup, .accessFlag, level, input, access, s1ptw))
      }
      newDescriptor |= bit(10)
    }
    // Dirty state: a write to a DBM page makes it writable (stage 1 clears AP[2], stage 2
    // sets S2AP[1]); table restrictions still apply below.
    if setup.hardwareDirty && d.dbm && write {
      newDescriptor = isStage2 ? newDescriptor | bit(7) : newDescriptor & ~bit(7)
    }
    let nd = Descriptor(newDescriptor)
    let leaf: StageLeaf
    if isStage2 {
      let perms = Permissions.stage2(s2ap: nd.s2ap, xn: nd.s2xn, xnx: setup.xnx)
      leaf = StageLeaf(
        output: output, level: level, blockBits: shift, descriptor: newDescriptor,
        permissions: perms, attribute: nd.memAttr,
        shareability: .field(g.ds ? setup.tcrShareability : nd.sh),
        global: true, contiguous: nd.contiguous)
      // A stage-1 table fetch is a read (architecture.md §8.5). Checked here, before the AF update
      // below,
      // which must not be made when the fetch faults (architecture.md §4.4).
      if checkPermissions
        && !perms.allows(s1ptw ? .read : access, unprivileged: !s1ptw && unprivileged)
      {
        return .failure(stageFault(setup, .permission, level, input, access, s1ptw))
      }
    } else {
      let perms = stage1Permissions(nd, tableAttrs: tableAttrs, setup: setup)
      let attr = (setup.mair >> UInt64(8 * nd.attrIndx)) & 0xff
      leaf = StageLeaf(
        output: output, level: level, blockBits: shift, descriptor: newDescriptor,
        permissions: perms, attribute: attr,
        shareability: .field(g.ds ? setup.tcrShareability : nd.sh),
        global: !(setup.regime.hasTwoRanges && nd.nG), contiguous: nd.contiguous)
      let unpriv = unprivileged && setup.regime.hasTwoRanges
      // PSTATE.PAN takes privileged data access to EL0-accessible memory (setup.pan).
      if checkPermissions && !perms.allows(access, unprivileged: unpriv, pan: setup.pan) {
        return .failure(stageFault(setup, .permission, level, input, access, s1ptw))
      }
    }
    // The hardware update is made only by an access that does not fault (architecture.md §4.4).
    if newDescriptor != descriptor && checkPermissions && hardwareUpdates {
      if let s2 = tableS2, !s2.permissions.privWrite {
        return .failure(
          Fault(.permission, level: s2.level, stage: 2, s1ptw: true, ipa: entry, write: true))
      }
      try? memory.write64(entryPA, newDescriptor)
    }
    return .success(leaf)
  }

  /// Stage-1 rights from the leaf and the table attributes on the path (architecture.md §3.5,
  /// §8.1-§8.4).
  @inline(always)
  static func stage1Permissions(_ d: Descriptor, tableAttrs: TableAttributes, setup: StageSetup)
    -> Permissions
  {
    var ap = d.ap
    var uxn = d.uxn
    var pxn = d.pxn
    if !setup.hpd {
      pxn = pxn || tableAttrs.pxnTable
      uxn = uxn || tableAttrs.uxnTable
      // APTable[0] (two-range regimes): no EL0 access; APTable[1]: read-only.
      if setup.regime.hasTwoRanges && tableAttrs.apTableNoEL0 { ap &= ~1 }
      if tableAttrs.apTableReadOnly { ap |= 2 }
    }
    if setup.regime.hasTwoRanges {
      return .stage1TwoRange(ap: ap, uxn: uxn, pxn: pxn, wxn: setup.wxn)
    }
    return .stage1OneRange(ap: ap, xn: uxn, wxn: setup.wxn)
  }
}
