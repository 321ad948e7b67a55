import Foundation
import MMU
import MMUScript
import MMUSyntax
import MMUTestSupport
import Testing

/// A hand-built core holding three table pages at swapper_pg_dir's PA: load core alone makes
/// `walk` reach the block they describe, on a CPU at EL1 and on one at EL2 (a VHE kernel).
@Suite("Hand-built kernel core")
struct HandBuiltCoreTests {
  /// swapper_pg_dir's PA for ELFBuilder.linuxInfo: 0xffff800081cb8000 - 0xffff80003fe00000.
  static let pgd: UInt64 = 0x41eb_8000

  /// 4K granule, 48-bit VA: VA 0xffff_8000_8000_0000 indexes L0[0x100] (VA[47:39]),
  /// L1[2] (VA[38:30]), L2[0] (VA[29:21]); the L2 entry is a 2M block at 0x4020_0000 with
  /// AF (bit 10), SH inner (bits [9:8] = 11), AttrIndx 0 (Normal), AP 00 (EL1 RW).
  static func tables() -> [UInt8] {
    var t = [UInt8](repeating: 0, count: 3 * 4096)
    t.set64(0x100 * 8, (pgd + 0x1000) | 3)
    t.set64(4096 + 2 * 8, (pgd + 0x2000) | 3)
    t.set64(2 * 4096, 0x4020_0000 | 0x701)
    return t
  }

  @Test("walk el1 through the core's own tables, and walk el2 on the CPU that was at EL2")
  func walks() throws {
    let folder = try TemporaryFolder("mmush-core")
    var b = ELFBuilder()
    b.notes =
      ELFBuilder.vmcoreinfo(ELFBuilder.linuxInfo)
      + ELFBuilder.prstatus(pc: 0xffff_8000_8001_0000, pstate: 0x3c5)
      + ELFBuilder.prstatus(pc: 0xffff_8000_8001_0000, pstate: 0x3c9)
    b.loads = [.init(address: Self.pgd, bytes: Self.tables(), padding: 0x4f0)]
    let path = folder.write("core", b.build())
    let events = EventCollector()
    let it = Interpreter(sink: events)
    try it.run(
      SourceFile(
        name: "t.mmu",
        text: """
          load core "\(path)"
          walk el1 0xffff800080000123
          walk el1 0xffff800080200000
          on cpu 1 {
            walk 0xffff800080000123
          }
          """))
    let walks = events.events.compactMap { e -> WalkEvent? in
      if case .walk(let w) = e { w } else { nil }
    }
    #expect(walks.count == 3)
    #expect(walks[0].result.outcome.translation?.pa == 0x4020_0123)
    // The next 2M has no entry in L2[1]: a level-2 translation fault.
    #expect(walks[1].result.outcome.fault?.kind == .translation)
    #expect(walks[1].result.outcome.fault?.level == 2)
    #expect(it.machine.cpus.count == 2)
    #expect(it.machine.cpus[0].el == 1)
    #expect(it.machine.cpus[1].el == 2)
    #expect(it.machine.cpus[1].registers[.ttbr1_el2] == Self.pgd)
    #expect(walks[2].target == .regime(.el2))
    #expect(walks[2].result.outcome.translation?.pa == 0x4020_0123)
  }
}
