/// The level loop of one stage's walk: the only one. Every walk comes here, whatever observes
/// it (`WalkObserver`): `walk notlb` and TLB-less accesses (nothing), `walk` with a trace,
/// the TLB fill. A level keeps its shift and index mask in registers instead of deriving the
/// bit range again; the decisions are the shared ones: descriptor kinds and addresses
/// (`Descriptor`, architecture.md §3.1, §3.2), the leaf (`Walker.leaf`), the table fetch
/// through stage 2 (`Walker.tableFetchFault`, §6.2, §6.3).
extension Walker {
  /// The table walk of one stage from `setup`'s base table. With `nested`, every table
  /// address is an IPA put through stage 2 first (architecture.md §6.1): by the observer
  /// when it translates table addresses itself, else here, with `registers` (given when
  /// `nested`) and the stage-2 setup kept in `stage2Setup`.
  @inline(always)
  static func walkStage<O: WalkObserver>(
    memory: PhysicalMemory, registers: RegisterFile?, setupMemo: StageSetupMemo?,
    _ setup: StageSetup, input: UInt64, access: AccessType, unprivileged: Bool, s1ptw: Bool,
    checkPermissions: Bool, hardwareUpdates: Bool, nested: Bool,
    stage2Setup: inout StageSetup?, observer o: inout O, reads: inout Int
  ) -> Result<StageLeaf, Fault> {
    let g = setup.geometry
    let granule = g.granule
    let ds = g.ds
    let outputBits = setup.outputBits
    var level = g.startLevel
    var table = setup.tableBase
    // Table attributes gathered on the path (architecture.md §3.5).
    var tableAttrs = TableAttributes()
    // The index at each level, as `Geometry.index` gives it: bits [shift + width - 1 : shift],
    // the start level's up to IA - 1.
    let stride = granule.stride
    var shift = g.levelShift(level)
    var indexMask = lowMask(g.inputBits - shift)
    if let w = o.start(setup, input: input, nested: nested) {
      // A cached table pointer: the walk starts below it, as the walk cache allows
      // (architecture.md §10.1).
      level = w.level + 1
      table = w.nextTable
      tableAttrs = w.tableAttributes
      shift = g.levelShift(level)
      indexMask = lowMask(stride)
    }
    while true {
      let index =
        shift < 64 ? Int(truncatingIfNeeded: (input >> UInt64(shift)) & indexMask) : 0
      let entry = table &+ UInt64(index) &* 8
      var entryPA = entry
      // The stage-2 leaf of a nested table's page: a hardware AF/dirty update of the stage-1
      // descriptor is a write through stage 2 (architecture.md §4.4).
      var tableS2: StageLeaf?
      if nested, let registers {
        let translated =
          o.tableStage2(ipa: entry)
          ?? stage2Direct(
            memory: memory, registers: registers, setupMemo: setupMemo,
            stage2Setup: &stage2Setup, ipa: entry, access: .read, unprivileged: false,
            s1ptw: true, hardwareUpdates: hardwareUpdates, reads: &reads)
        switch translated {
        case .failure(let f): return .failure(f)
        case .success(let leaf):
          if let f = tableFetchFault(leaf, ipa: entry, registers: registers) {
            return .failure(f)
          }
          entryPA = leaf.output
          tableS2 = leaf
        }
      }
      let descriptor = memory.read64(entryPA)
      reads &+= 1
      let d = Descriptor(descriptor)
      let kind = d.kind(level: level, granule: granule, ds: ds, paMax: setup.paMax)
      o.read(
        setup, level: level, index: index, table: table, entry: entry, entryPA: entryPA,
        descriptor: descriptor, kind: kind)
      // Invalid, or a block where no block is allowed (incl. 0b01 at level 3).
      guard kind != .invalid && kind != .reserved else {
        return .failure(stageFault(setup, .translation, level, input, access, s1ptw))
      }
      // The next-level table or output address must fit the output size (architecture.md §3.2).
      let address = d.address(granule: granule, ds: ds, outputBits: outputBits)
      if outputBits <= 48 && address >> UInt64(outputBits) != 0 {
        return .failure(stageFault(setup, .addressSize, level, input, access, s1ptw))
      }
      if kind == .table {
        tableAttrs.add(descriptor)
        // Table descriptors are cached even if the walk later faults deeper
        // (architecture.md §10.1).
        o.table(
          setup, input: input, nested: nested, level: level, next: address, entryPA: entryPA,
          descriptor: descriptor, tableAttributes: tableAttrs)
        table = address
        level += 1
        shift -= stride
        indexMask = lowMask(stride)
        continue
      }
      // A block or page: the leaf.
      let result = leaf(
        memory: memory, setup, input: input, access: access, unprivileged: unprivileged,
        s1ptw: s1ptw, checkPermissions: checkPermissions, hardwareUpdates: hardwareUpdates,
        level: level, shift: shift, descriptor: descriptor, address: address,
        tableAttrs: tableAttrs, entry: entry, entryPA: entryPA, tableS2: tableS2)
      if case .success(let l) = result {
        o.leaf(
          setup, l, read: descriptor,
          written: l.descriptor != descriptor && checkPermissions && hardwareUpdates)
      }
      return result
    }
  }
}
