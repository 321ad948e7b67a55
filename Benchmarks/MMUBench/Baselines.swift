// The C side of each walk scenario: the same tables, copied out of the model's memory into the
// C baseline's page hash, walked by Benchmarks/CBaselines. Every answer is checked against
// the model's before anything is timed.

import CBaselines
import MMU

/// A C page hash holding copies of every table page of the given stages.
final class BaselineMemory {
  let memory: OpaquePointer

  init(pages: Int) {
    guard let m = cb_memory_create(pages) else {
      check(false, "C baseline: no memory")
      fatalError()
    }
    memory = m
  }

  deinit { cb_memory_destroy(memory) }

  /// Copies the 4 KiB page at `pa` when the model has it.
  func copy(from model: PhysicalMemory, pa: UInt64) {
    guard let page = model.pagePointer(pa & ~0xfff) else { return }
    check(cb_memory_add_page(memory, pa & ~0xfff, page) == 0, "C baseline: page hash full")
  }

  /// Copies every table reachable from `root` in `geometry` (a table the size of the granule,
  /// or the start table's size), following table descriptors down to level 2.
  func copyTables(
    from model: PhysicalMemory, root: UInt64, geometry: Geometry, format: Int32,
    translate: (UInt64) -> UInt64 = { $0 }
  ) {
    func visit(_ table: UInt64, level: Int) {
      let bytes = level == geometry.startLevel ? geometry.startTableBytes : geometry.granule.size
      var page: UInt64 = 0
      while page < bytes {
        copy(from: model, pa: translate(table &+ page))
        page &+= 4096
      }
      guard level < 3 else { return }
      var offset: UInt64 = 0
      while offset < bytes {
        let d = model.read64(translate(table &+ offset))
        if d & 3 == 3 {
          visit(Self.address(d, lo: geometry.granule.bits, format: format), level: level + 1)
        }
        offset &+= 8
      }
    }
    visit(root, level: geometry.startLevel)
  }

  static func address(_ d: UInt64, lo: Int, format: Int32) -> UInt64 {
    func field(_ hi: Int, _ l: Int) -> UInt64 { (d >> UInt64(l)) & ((1 << UInt64(hi - l + 1)) - 1) }
    switch format {
    case 1: return field(47, lo) << UInt64(lo) | field(15, 12) << 48
    case 2: return field(49, lo) << UInt64(lo) | field(9, 8) << 50
    default: return field(47, lo) << UInt64(lo)
    }
  }
}

/// A stage of the C walker from a model space.
func baselineStage(_ space: AddressSpace, format: Int32) -> cb_stage {
  cb_stage(
    root: space.root, granule_bits: Int32(space.geometry.granule.bits),
    input_bits: Int32(space.geometry.inputBits), start_level: Int32(space.geometry.startLevel),
    oa_format: format)
}

/// Checks that the C walk gives the model's answer for the first VAs, so the two time the
/// same work.
func checkBaseline(
  _ name: String, _ machine: Machine, _ context: AccessContext, _ vas: [UInt64],
  _ c: (UInt64) -> cb_result
) {
  for va in vas.prefix(256) {
    let r = machine.access(
      cpu: machine.cpu, context: context, address: va, access: .read, useTLB: false)
    let b = c(va)
    guard case .translated(let t) = r.outcome else {
      check(false, "\(name): the model does not translate \(va)")
      return
    }
    check(
      b.fault == 0 && b.pa == t.pa, "\(name): C gives \(b.pa) (fault \(b.fault)), the model \(t.pa)"
    )
  }
}
