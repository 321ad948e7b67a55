/// A named address that starts a region of Linux's kernel VA map, as arm64's ptdump lists
/// them (`---[ vmalloc() area ]---`). A marker cuts the run it falls in.
public struct PtdumpMarker: Sendable, Equatable {
  public var address: UInt64
  public var name: String

  public init(address: UInt64, name: String) {
    self.address = address
    self.name = name
  }
}

/// One row of Linux arm64's ptdump (arch/arm64/mm/ptdump.c, note_page): a run of entries at
/// one table level whose descriptors agree on the bits the kernel prints. Data only; the
/// shell formats it as `0x%016lx-0x%016lx   %9lu%c LEVEL ATTRS`.
public struct PtdumpRow: Sendable, Hashable {
  /// First input address, and the exclusive end (0 when the run ends at 2^64, as the
  /// kernel prints it).
  public var start: UInt64
  public var end: UInt64
  /// The kernel's name for the level: 0 PGD, 1 P4D, 2 PUD, 3 PMD, 4 PTE.
  public var kernelLevel: Int
  /// The translation table level (-1...3) the entries are at.
  public var level: Int
  /// The descriptor bits under `LinuxPtdump.protMask`; 0 for a hole (no attributes printed).
  public var prot: UInt64

  public init(start: UInt64, end: UInt64, kernelLevel: Int, level: Int, prot: UInt64) {
    self.start = start
    self.end = end
    self.kernelLevel = kernelLevel
    self.level = level
    self.prot = prot
  }

  /// Bytes the row covers (2^64 wraps to 0).
  public var size: UInt64 { end &- start }
}

/// A line of the dump: a marker or a row, in the kernel's order.
public enum PtdumpLine: Sendable, Equatable {
  case marker(String)
  case row(PtdumpRow)
}

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

/// The kernel's note_page state machine: entries arrive in address order and a row is
/// closed when the attributes, the level or the next marker change.
struct PtdumpState {
  var markers: [PtdumpMarker]
  var markerIndex = 0
  var started = false
  var start: UInt64 = 0
  var prot: UInt64 = 0
  var level = 0
  var kernelLevel = 0
  var lines: [PtdumpLine] = []

  /// Whether `address` is at or past the next marker (the kernel's `addr >=
  /// marker[1].start_address`; the list's terminating -1 is never reached).
  func pastNextMarker(_ address: UInt64) -> Bool {
    markerIndex + 1 < markers.count && address >= markers[markerIndex + 1].address
  }

  mutating func nextMarker() {
    markerIndex += 1
    lines.append(.marker(markers[markerIndex].name))
  }

  /// note_page(addr, level, val); `level` nil for the final flush.
  mutating func note(
    _ address: UInt64, level: Int?, kernelLevel: Int, descriptor: UInt64, mask: UInt64
  ) {
    let newProt = level == nil ? 0 : descriptor & mask
    let newLevel = level ?? -2
    if !started {
      started = true
      start = address
      prot = newProt
      self.level = newLevel
      self.kernelLevel = kernelLevel
      if let first = markers.first { lines.append(.marker(first.name)) }
    } else if newProt != prot || newLevel != self.level || pastNextMarker(address) {
      lines.append(
        .row(
          PtdumpRow(
            start: start, end: address, kernelLevel: self.kernelLevel, level: self.level,
            prot: prot)))
      if pastNextMarker(address) { nextMarker() }
      start = address
      prot = newProt
      self.level = newLevel
      self.kernelLevel = kernelLevel
    }
    if pastNextMarker(address) { nextMarker() }
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
    } catch let e as TableScanError {
      throw e
    } catch VisitError.unmappedTable(let a) {
      throw .unmappedTable(address: a)
    } catch {
      throw .unmappedTable(address: root)
    }
    // note_page_flush: the exclusive end, 0 for an end at 2^64.
    if flush { state.note(last &+ 1, level: nil, kernelLevel: 0, descriptor: 0, mask: mask) }
    return state.lines
  }
}

/// What ptdump_check_wx counts (CONFIG_DEBUG_WX): pages of runs that are writable and
/// executable at EL1 (neither PTE_RDONLY nor PTE_PXN), and pages the kernel maps without
/// UXN. Runs with no printed bits (holes) count for neither.
public struct WXCheck: Sendable, Equatable {
  public var wxPages: UInt64 = 0
  public var nonUXNPages: UInt64 = 0
  /// The rows that counted, in address order.
  public var wxRows: [PtdumpRow] = []
  public var nonUXNRows: [PtdumpRow] = []

  public init() {}

  /// Counts over ptdump rows (no markers: the kernel's check walks with none).
  public init(rows: [PtdumpRow], pageSize: UInt64) {
    for r in rows where r.prot != 0 {
      let pages = r.size / pageSize
      if r.prot & LinuxPtdump.uxn == 0 {
        nonUXNPages &+= pages
        nonUXNRows.append(r)
      }
      if r.prot & LinuxPtdump.readOnly == 0 && r.prot & LinuxPtdump.pxn == 0 {
        wxPages &+= pages
        wxRows.append(r)
      }
    }
  }

  public var passed: Bool { wxPages == 0 && nonUXNPages == 0 }
}
