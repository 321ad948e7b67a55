import Foundation
import Testing

/// The text of dump, layout, explain and walk traces, pinned for the geometries that differ
/// most: 4K/48, 16K/47, 64K/52 (LVA+LPA), 4K/52 with LPA2 (level -1), and a 16K stage 2 with a
/// 40-bit IPA (16 concatenated L2 tables) under which a guest's stage 1 is walked; a guest
/// walked as `s1` (stage 1 alone, its tables read through stage 2, the output an IPA) and
/// viewed with a TTBR1 stage 2 does not map or EPD1 set; non-VHE EL2's rights (no EL0).
@Suite("Views golden text")
struct ViewsGoldenTests {
  static let scripts = [
    "4k-48", "16k-47", "64k-52", "lpa2-4k-52", "s2-16k-40", "guest-s1", "el2-one-range",
  ]

  @Test(arguments: scripts)
  func golden(_ name: String) throws {
    let path = Golden.viewsDirectory + "/\(name).mmu"
    let source = try #require(Golden.read(path), "missing \(path)")
    let r = InProcess.run(source, name: "\(name).mmu")
    #expect(r.status == 0, "\(name).mmu exited \(r.status): \(r.err)")
    #expect(r.err.isEmpty, "\(r.err)")
    Golden.expect("\(name).txt", r.out)
  }

  @Test("the same script renders the same bytes twice")
  func deterministic() throws {
    let path = Golden.viewsDirectory + "/s2-16k-40.mmu"
    let source = try #require(Golden.read(path))
    #expect(InProcess.run(source).out == InProcess.run(source).out)
  }
}
