import Foundation
import MMUTestSupport
import Testing

/// Cores of small 6.12 kernels built with CONFIG_PTDUMP_DEBUGFS (Tests/Fixtures/ptdump/README.md),
/// each with the kernel_page_tables text that boot printed and the kernel's System.map: loaded
/// with nothing typed, cut at the markers the core's VMCOREINFO gives, `dump el1 format
/// linux` prints the kernel's text byte for byte.
@Suite("Real kernels' own ptdump")
struct RealPtdumpTests {
  /// Folder under Tests/Fixtures/ptdump, the page size.
  static let kernels: [(String, String)] = [("k4-48", "4K"), ("k4-52", "4K"), ("k16-48", "16K")]

  /// The core and, decompressed next to it as `System.map`, that kernel's symbols.
  static func core(_ kernel: String, in folder: TemporaryFolder) throws -> String? {
    guard let core = try RealCoreTests.decompress("../ptdump/\(kernel)/core.elf.xz", into: folder),
      try RealCoreTests.decompress("../ptdump/\(kernel)/System.map.xz", into: folder) != nil
    else { return nil }
    return core
  }

  /// The markers come from the core alone (its VMCOREINFO) and the kernel's System.map
  /// (which shows the fixmap's configuration): the script declares none.
  @Test("dump el1 format linux equals the kernel's own kernel_page_tables", arguments: kernels)
  func sameText(_ kernel: (String, String)) throws {
    let folder = try TemporaryFolder("mmush-core")
    guard let core = try Self.core(kernel.0, in: folder) else { return }
    let expected = try String(
      contentsOfFile: RealCoreTests.fixtures + "/../ptdump/\(kernel.0)/ptdump.txt",
      encoding: .utf8)
    let script = """
      load symbols "System.map"
      dump el1 format linux
      check wx el1
      """
    let r = try MMUSH.run(["--core", core, "-c", script], directory: folder.path)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!r.stdout.contains("warning"), "\(r.stdout)")
    // The core's summary comes first; the dump starts at the first marker.
    let start = try #require(r.stdout.range(of: "---[ Linear Mapping start ]---"))
    let end = try #require(r.stdout.range(of: "check wx el1:"))
    let dump = String(r.stdout[start.lowerBound..<end.lowerBound])
    #expect(dump == expected)
    // The kernel printed no row that is writable with PXN clear (RW and "x ").
    #expect(!expected.contains(" RW x "))
    #expect(r.stdout.contains("Checked W+X mappings: passed, no W+X pages found"))
  }

  /// Without symbols the fixmap's configuration is assumed (GHES with SDEI: 4 slots, KPTI
  /// relocatable: 4) and said in one warning. This kernel has no ACPI: its fixmap has 981
  /// pages (fixmap.h: 2 + 512 + 1 FDT, 2, 4 trampoline, 65 × 7 boot-time, 5), the assumed one
  /// 985, so "Fixmap start" is 4 pages lower, at -8M - 985 × 4K = 0xffffffffff427000; every
  /// other line is the kernel's.
  @Test("Without symbols: a distribution's fixmap, one warning, one marker moved")
  func assumedFixmap() throws {
    let folder = try TemporaryFolder("mmush-core")
    guard let core = try Self.core("k4-48", in: folder) else { return }
    var expected = try String(
      contentsOfFile: RealCoreTests.fixtures + "/../ptdump/k4-48/ptdump.txt", encoding: .utf8)
    expected = expected.replacingOccurrences(
      of: "0xffffffffff400000-0xffffffffff42b000         172K PTE",
      with: "0xffffffffff400000-0xffffffffff427000         156K PTE")
    expected = expected.replacingOccurrences(
      of: "0xffffffffff42b000-0xffffffffff5fe000        1868K PTE",
      with: "0xffffffffff427000-0xffffffffff5fe000        1884K PTE")
    let r = try MMUSH.run(
      ["--core", core, "-c", "dump el1 format linux\ndump el1 format linux"], directory: folder.path
    )
    #expect(r.status == 0, "\(r.stderr)")
    let warnings = r.stdout.components(separatedBy: "warning: the core does not record the fixmap")
    #expect(warnings.count == 2, "one warning for two dumps: \(r.stdout)")
    let start = try #require(r.stdout.range(of: "---[ Linear Mapping start ]---"))
    let rest = String(r.stdout[start.lowerBound...])
    #expect(rest == expected + expected)
  }

  /// A marker the script declares replaces the core's list.
  @Test("Script markers replace the core's")
  func scriptMarkersWin() throws {
    let folder = try TemporaryFolder("mmush-core")
    guard let core = try Self.core("k4-48", in: folder) else { return }
    let r = try MMUSH.run(
      ["--core", core, "-c", "marker 0xffff_8000_0000_0000 \"Top half\"\ndump el1 format linux"],
      directory: folder.path)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("---[ Top half ]---"))
    #expect(!r.stdout.contains("---[ Fixmap start ]---"))
    #expect(!r.stdout.contains("warning"))
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
    // Each row starts where the one before ended (markers cut rows, never leave gaps).
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
