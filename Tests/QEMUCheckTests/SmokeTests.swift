import MMU
import Testing

@testable import QEMUCheck

@Suite("QEMU check: one run")
struct SmokeTests {
  /// 4K, 48-bit EL1&0 tables at 0x4000_0000: VA 0x4000_1000 → PA 0x4010_0000 page
  /// (L0[0] → L1 at +0x1000, L1[1] → L2 at +0x2000, L2[0] → L3 at +0x3000, L3[1] page).
  @Test func pageTranslates() throws {
    guard let binary = try? QEMURunner.locate(nil) else {
      print("skipped: \(QEMURunner.binaryName) is not installed (apt-get install qemu-system-arm)")
      return
    }
    let m = PhysicalMemory()
    let base: UInt64 = 0x4000_0000
    try m.write64(base + 0, (base + 0x1000) | 3)
    try m.write64(base + 0x1000 + 8, (base + 0x2000) | 3)
    try m.write64(base + 0x2000, (base + 0x3000) | 3)
    // Page: AF, SH inner, AttrIndx 0, valid page.
    try m.write64(base + 0x3000 + 8, 0x4010_0000 | (1 << 10) | (3 << 8) | 3)
    var r = RegisterFile()
    r[.ttbr0_el1] = base
    let snap = MemorySnapshotter().snapshot(m)
    let va: UInt64 = 0x4000_1234
    let queries = [
      CheckQuery(registers: r, operation: .s1e1r, va: va, memory: snap),
      CheckQuery(registers: r, operation: .s1e1w, va: va, memory: snap),
      CheckQuery(registers: r, operation: .s1e1r, va: 0x4000_3000, memory: snap),
    ]
    let p = try CheckPlan.prepare(queries, qemuVersion: nil)
    let results = try QEMURunner.run(p, binary: binary, seconds: 30)
    // Hand-derived (PAR_EL1 64-bit format): PA 0x4010_0000, ATTR 0xff (MAIR Attr0), SH 0b11, NS, RES1 bit 11.
    let expected: UInt64 = 0xFF00_0000_4010_0B80 | (1 << 9)
    #expect(results.answers[0].par == expected)
    #expect(results.answers[1].par == expected)
    // L3[3] is empty: Translation fault, level 3 (FST 0b000111), F=1, RES1 bit 11.
    #expect(results.answers[2].par == 0x80F)
    let v = CheckComparison.verdicts(p, results, version: nil)
    #expect(v.allSatisfy { if case .agree = $0 { true } else { false } })
  }
}
