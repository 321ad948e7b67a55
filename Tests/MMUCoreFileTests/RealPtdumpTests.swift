import Foundation
import MMUTestSupport
import Testing

/// Cores of small 6.12 kernels built with CONFIG_PTDUMP_DEBUGFS (Tests/Fixtures/ptdump/README.md),
/// each with the kernel_page_tables text that boot printed: loaded with nothing typed, cut
/// at the markers linux/ptdump derives from VMCOREINFO, `dump el1 format linux` prints the
/// kernel's text byte for byte.
@Suite("Real kernels' own ptdump")
struct RealPtdumpTests {
  /// Folder under Tests/Fixtures/ptdump, the page size, and the fixmap's configuration
  /// (no ACPI GHES, KPTI and a relocatable image, as make/common.config builds them).
  static let kernels: [(String, String)] = [("k4-48", "4K"), ("k4-52", "4K"), ("k16-48", "16K")]

  @Test("dump el1 format linux equals the kernel's own kernel_page_tables", arguments: kernels)
  func sameText(_ kernel: (String, String)) throws {
    let folder = try TemporaryFolder("mmush-core")
    guard
      let core = try RealCoreTests.decompress(
        "../ptdump/\(kernel.0)/core.elf.xz", into: folder)
    else { return }
    let expected = try String(
      contentsOfFile: RealCoreTests.fixtures + "/../ptdump/\(kernel.0)/ptdump.txt",
      encoding: .utf8)
    let script = """
      import "linux/ptdump"
      lx_markers_from_core(lx_fixmap_slots(\(kernel.1), 0, 0, 1, 1))
      dump el1 format linux
      check wx el1
      """
    let r = try MMUSH.run(
      ["-I", MMUSH.root + "/stdlib", "--core", core, "-c", script], directory: folder.path)
    #expect(r.status == 0, "\(r.stderr)")
    // The core's summary comes first; the dump starts at the first marker.
    let start = try #require(r.stdout.range(of: "---[ Linear Mapping start ]---"))
    let end = try #require(r.stdout.range(of: "check wx el1:"))
    let dump = String(r.stdout[start.lowerBound..<end.lowerBound])
    #expect(dump == expected)
    // The kernel printed no row that is writable with PXN clear (RW and "x ").
    #expect(!expected.contains(" RW x "))
    #expect(r.stdout.contains("Checked W+X mappings: passed, no W+X pages found"))
  }

  /// Debian's LPA2 core (Tests/Fixtures/cores/k4-52, another config) has no ptdump of its own:
  /// the rules the text must follow are checked on it.
  @Test("4K/52 LPA2 core: five level names, no SHD (bits [9:8] are OA), rows tile the half")
  func lpa2Rules() throws {
    let folder = try TemporaryFolder("mmush-core")
    guard let core = try RealCoreTests.decompress("k4-52/core.elf.xz", into: folder) else {
      return
    }
    let r = try MMUSH.run(
      ["--core", core, "-c", "dump el1 format linux"], directory: folder.path)
    #expect(r.status == 0, "\(r.stderr)")
    let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("0x") }
    // T1SZ 12: the kernel half starts at -(1 << 52); the last row ends at 2^64, printed 0.
    #expect(rows.first?.hasPrefix("0xfff0000000000000-") == true)
    #expect(rows.last?.contains("-0x0000000000000000 ") == true)
    // Each row starts where the one before ended (no markers declared: no gaps to print).
    for (a, b) in zip(rows, rows.dropFirst()) {
      #expect(a.dropFirst(19).prefix(18) == b.prefix(18), "\(a) / \(b)")
    }
    // Five levels with LPA2: level -1 is PGD and level 0 P4D (mm_p4d_folded is false).
    for name in [" PGD", " P4D", " PUD", " PMD", " PTE"] {
      #expect(rows.contains { $0.contains(name) }, "no \(name) row")
    }
    // SH lives in TCR_EL1 with DS=1; a descriptor's bits [9:8] are OA[51:50], zero below 2^50.
    #expect(!rows.contains { $0.contains("SHD") })
  }
}
