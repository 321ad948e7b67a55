/// Linux arm64 ptdump's rules, kept in one place for the views and the checks.
public enum LinuxPtdump {
  /// The descriptor bits whose fields ptdump prints (its pte_bits masks, ORed as
  /// ptdump_initialize does): valid, table/page, AttrIndx, AP[1], AP[2], SH, AF, nG, GP,
  /// Contiguous, PXN, UXN. With LPA2, bits [9:8] are OA[51:50] and still in the mask.
  public static let protMask: UInt64 =
    1 | 1 << 1 | 7 << 2 | 1 << 6 | 1 << 7 | 3 << 8 | 1 << 10 | 1 << 11 | 1 << 50 | 1 << 52
    | 1 << 53 | 1 << 54

  /// KVM's stage-2 dump (arch/arm64/kvm/ptdump.c, stage2_pte_bits): valid, table/page,
  /// S2AP read and write, AF, XN.
  public static let kvmProtMask: UInt64 = 1 | 1 << 1 | 1 << 6 | 1 << 7 | 1 << 10 | 1 << 54

  /// PTE_VALID, PTE_USER, PTE_RDONLY, PTE_PXN, PTE_UXN (pgtable-hwdef.h).
  public static let valid: UInt64 = 1
  public static let user: UInt64 = 1 << 6
  public static let readOnly: UInt64 = 1 << 7
  public static let pxn: UInt64 = 1 << 53
  public static let uxn: UInt64 = 1 << 54

  /// The kernel's name index for a table level: the start level is always "PGD"; the levels
  /// below take the last names of P4D PUD PMD PTE (folded levels take none), as the
  /// kernel's level folding and the page walker's real_depth() make them.
  public static func kernelLevel(_ level: Int, geometry: Geometry) -> Int {
    let position = level - geometry.startLevel
    if position <= 0 { return 0 }
    return 5 - (geometry.levels - position)
  }
}

extension AddressSpace {
  /// Linux arm64's ptdump of [first, last] (kernel_page_tables: the kernel half from
  /// PAGE_OFFSET), computed as the kernel's walker and note_page would: every entry of the
  /// tables that exist is noted in address order (a zero entry as a hole at its level; an
  /// entry at the last level whatever it holds; a block, or any other entry that is not a
  /// table, above it), and the run closes when the printed bits or the level change or a
  /// marker is reached. Runs never join on output address. Cost: the entries of the tables
  /// that exist.
  ///
  /// `mask` is the bits the format prints (`LinuxPtdump.protMask`, or `kvmProtMask` for
  /// KVM's stage-2 dump, whose walk (kvm_pgtable_walk with a leaf visitor) notes the same
  /// entries). `flush` closes the last run at the end of the range as note_page_flush does;
  /// KVM's dump (6.10 to 6.12) never calls it, so its last run is not printed.
  public func linuxPtdump(
    from first: UInt64, through last: UInt64, markers: [PtdumpMarker], memory: PhysicalMemory,
    mask: UInt64 = LinuxPtdump.protMask, flush: Bool = true, limit: Int = 1_000_000
  ) throws(TableScanError) -> [PtdumpLine] {
    var state = PtdumpState(markers: markers)
    var visited = 0
    let g = geometry
    do {
      try visit(from: first, through: last, memory: memory, skipInvalid: false) { phase, e in
        guard phase == .leaf else { return }
        visited += 1
        guard visited <= limit else { throw TableScanError.limitReached(limit) }
        state.note(
          max(e.inputAddress, first), level: e.level,
          kernelLevel: LinuxPtdump.kernelLevel(e.level, geometry: g), descriptor: e.descriptor,
          mask: mask)
      }
    } catch {
      throw TableScanError(visiting: error, root: root)
    }
    // note_page_flush: the exclusive end, 0 for an end at 2^64.
    if flush { state.note(last &+ 1, level: nil, kernelLevel: 0, descriptor: 0, mask: mask) }
    return state.lines
  }
}
