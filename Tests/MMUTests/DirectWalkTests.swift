import MMUTestSupport
import Testing

@testable import MMU

/// The walk with nothing to record (`Walker.translateDirect`: `walk notlb`, TLB-less accesses,
/// the comparison walk behind a hit) and the general walk (traced, or filling a TLB) are two
/// loops over the same rules. On random registers and random tables they must agree on every
/// outcome, every descriptor read and every hardware update they write.
@Suite("Direct and general walks agree")
struct DirectWalkTests {
  typealias R = RobustnessTests

  @Test("random registers and tables: same outcome, reads and memory writes")
  func randomAgreement() throws {
    var g = SplitMix64(seed: 0xD1EC_7000)
    var nested = 0
    var translated = 0
    for round in 0..<40 {
      // Two identical memories: each walk's AF/dirty writes land in its own.
      var gm = SplitMix64(seed: 0xAB00 &+ UInt64(round))
      let direct = R.randomMemory(&gm)
      gm = SplitMix64(seed: 0xAB00 &+ UInt64(round))
      let general = R.randomMemory(&gm)
      for _ in 0..<150 {
        let r = R.randomRegisters(&g)
        let ctx = R.contexts[Int(g.next() % UInt64(R.contexts.count))]
        let a = R.randomAddress(&g, r, ctx)
        let access = AccessType.allCases[Int(g.next() % 3)]
        var reads = 0
        let d = Walker.translateDirect(
          memory: direct, registers: r, setupMemo: nil, ctx, a, access, hardwareUpdates: true,
          reads: &reads)
        let w = Walker.walk(
          memory: general, registers: r, context: ctx, address: a, access: access, trace: true)
        #expect(d == w.outcome, "round \(round): \(ctx.regime) \(a) \(access)")
        #expect(reads == w.accesses, "round \(round): \(ctx.regime) \(a) \(access)")
        if let t = d.translation {
          translated += 1
          if t.ipa != nil && ctx.regime != .stage2 { nested += 1 }
        }
      }
      // The hardware updates both made are the same writes.
      for pa in stride(from: UInt64(0), to: 0x4_0000, by: 8) {
        #expect(direct.read64(pa) == general.read64(pa), "round \(round): PA \(pa)")
      }
    }
    // The sample reaches leaves, not only setup faults, and two-stage walks among them.
    #expect(translated > 300)
    #expect(nested > 20, "\(nested) two-stage translations")
  }

  @Test("a machine's TLB-less access is the direct walk, with the setup memo")
  func machineUsesMemo() throws {
    var g = SplitMix64(seed: 0x5E7_0001)
    for _ in 0..<300 {
      let mem = R.randomMemory(&g)
      let m = Machine(memory: mem)
      m.cpu.registers = R.randomRegisters(&g)
      let ctx = R.contexts[Int(g.next() % UInt64(R.contexts.count))]
      for _ in 0..<4 {
        let a = R.randomAddress(&g, m.cpu.registers, ctx)
        let quiet = m.access(cpu: m.cpu, context: ctx, address: a, access: .read, useTLB: false)
        let traced = m.access(
          cpu: m.cpu, context: ctx, address: a, access: .read, trace: true, useTLB: false)
        #expect(quiet.outcome == traced.outcome)
        #expect(quiet.accesses == traced.accesses)
        #expect(quiet.walk.steps.isEmpty)
      }
    }
  }
}
