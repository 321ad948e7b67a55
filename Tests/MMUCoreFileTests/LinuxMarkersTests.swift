import MMU
import MMUCoreFile
import Testing

/// The kernel's ptdump markers from a VMCOREINFO, against values worked out by hand from
/// arch/arm64/include/asm/memory.h, fixmap.h and mm/ptdump.c.
@Suite("Linux ptdump markers from VMCOREINFO")
struct LinuxMarkersTests {
  static func info(_ lines: [String]) throws -> VMCoreInfo {
    try VMCoreInfo(text: Array(lines.joined(separator: "\n").utf8))
  }

  /// A 4K, 48-bit 6.12 kernel (the values the k4-48 fixture's note holds).
  static let kernel4K48 = [
    "OSRELEASE=6.12.118", "PAGESIZE=4096", "SYMBOL(swapper_pg_dir)=ffff8000803b2000",
    "SIZE(page)=64", "NUMBER(VA_BITS)=48", "NUMBER(TCR_EL1_T1SZ)=16",
    "NUMBER(VMALLOC_START)=0xffff800080000000", "NUMBER(MODULES_VADDR)=0xffff800000000000",
    "NUMBER(MODULES_END)=0xffff800080000000", "NUMBER(VMALLOC_END)=0xfffffdffbf800000",
    "NUMBER(VMEMMAP_START)=0xfffffdffc0000000", "NUMBER(VMEMMAP_END)=0xffffffffc0000000",
  ]

  @Test("fixmap.h's __end_of_fixed_addresses per page size and configuration")
  func slots() {
    // 2 + 512 + 1 (hole, FDT end, FDT window), 2, 4 GHES+SDEI, 4 trampoline, 65 * 7, 5.
    #expect(FixmapOptions.distribution.slots(pageSize: 4096) == 985)
    // No option: 2 + 512 + 1 + 2 + 455 + 5.
    let none = FixmapOptions(ghes: false, sdei: false, kpti: false, relocatable: false)
    #expect(none.slots(pageSize: 4096) == 977)
    // SDEI counts only with GHES.
    let sdeiOnly = FixmapOptions(ghes: false, sdei: true, kpti: false, relocatable: false)
    #expect(sdeiOnly.slots(pageSize: 4096) == 977)
    // 16K, KPTI relocatable: 2 + 128 + 1 + 2 + 4 + 17 * 7 + 5 (the k16-48 kernel's 261).
    let kpti = FixmapOptions(ghes: false, sdei: false, kpti: true, relocatable: true)
    #expect(kpti.slots(pageSize: 16384) == 261)
    // 64K, all four: 2 + 32 + 1 + 2 + 4 + 4 + 5 * 7 + 5.
    #expect(FixmapOptions.distribution.slots(pageSize: 65536) == 85)
  }

  @Test("The configuration a System.map shows, only when it is this kernel's")
  func optionsFromSymbols() throws {
    let text = """
      ffff800080010000 T _stext
      ffff8000803b0000 T tramp_pg_dir
      ffff8000803b2000 T swapper_pg_dir
      ffff8000803c7edc t __pi_relocate_kernel
      ffff800080400000 T sdei_init
      """
    let table = try SymbolTable(text: Array(text.utf8))
    let o = try #require(FixmapOptions(symbols: table, swapperPgDir: 0xffff_8000_803b_2000))
    #expect(o == FixmapOptions(ghes: false, sdei: true, kpti: true, relocatable: true))
    // Another kernel's map (swapper_pg_dir elsewhere) decides nothing.
    #expect(FixmapOptions(symbols: table, swapperPgDir: 0xffff_8000_803b_3000) == nil)
  }

  @Test("6.9+ order and values, fixmap assumed without symbols")
  func v6_12() throws {
    let layout = try #require(try Self.info(Self.kernel4K48).linuxMarkers(symbols: nil))
    let expected: [(UInt64, String)] = [
      (0xffff_0000_0000_0000, "Linear Mapping start"),
      (0xffff_8000_0000_0000, "Linear Mapping end"),
      (0xffff_8000_0000_0000, "Modules start"), (0xffff_8000_8000_0000, "Modules end"),
      (0xffff_8000_8000_0000, "vmalloc() area"), (0xffff_fdff_bf80_0000, "vmalloc() end"),
      (0xffff_fdff_c000_0000, "vmemmap start"), (0xffff_ffff_c000_0000, "vmemmap end"),
      // VMEMMAP_END + 8M, + 16M more.
      (0xffff_ffff_c080_0000, "PCI I/O start"), (0xffff_ffff_c180_0000, "PCI I/O end"),
      // -8M - 985 pages.
      (0xffff_ffff_ff42_7000, "Fixmap start"), (0xffff_ffff_ff80_0000, "Fixmap end"),
    ]
    #expect(layout.markers == expected.map { PtdumpMarker(address: $0.0, name: $0.1) })
    #expect(layout.fixmap == .assumed(.distribution))
    #expect(layout.since69)
  }

  /// A 52-bit 16K kernel running 47-bit: PAGE_OFFSET is -2^52, the linear map ends at
  /// -2^46 (VA_BITS_MIN 47), and "vmemmap start" skips the struct pages of the linear
  /// addresses below -2^47: (2^52 - 2^47) / 16K pages of 64 bytes = 0xf80_0000_0000 past
  /// VMEMMAP_START = -1G - ((2^52 - 2^46) / 16K) * 64 = 0xffff_f03f_c000_0000, leaving
  /// (2^47 - 2^46) / 16K * 64 = 0x40_0000_0000 up to VMEMMAP_END = -1G.
  @Test("52-bit kernel on a 47-bit CPU: PAGE_END from VA_BITS_MIN, vmemmap start moved")
  func reducedVA() throws {
    let lines = [
      "OSRELEASE=6.12.118", "PAGESIZE=16384", "SIZE(page)=64", "NUMBER(VA_BITS)=52",
      "NUMBER(TCR_EL1_T1SZ)=17", "NUMBER(VMALLOC_START)=0xffffc00080000000",
      "NUMBER(MODULES_VADDR)=0xffffc00000000000", "NUMBER(MODULES_END)=0xffffc00080000000",
      "NUMBER(VMALLOC_END)=0xffffffbfbf800000", "NUMBER(VMEMMAP_START)=0xfffff03fc0000000",
      "NUMBER(VMEMMAP_END)=0xffffffffc0000000",
    ]
    let m = try #require(try Self.info(lines).linuxMarkers(symbols: nil)).markers
    #expect(m[0] == PtdumpMarker(address: 0xfff0_0000_0000_0000, name: "Linear Mapping start"))
    #expect(m[1] == PtdumpMarker(address: 0xffff_c000_0000_0000, name: "Linear Mapping end"))
    #expect(m[6] == PtdumpMarker(address: 0xffff_ffbf_c000_0000, name: "vmemmap start"))
  }

  /// 6.1, 4K, 48-bit (memory.h of 6.1): MODULES_VADDR = -2^47, 128M of modules,
  /// VMEMMAP_START = -2^(48 - 6) (VMEMMAP_SHIFT = PAGE_SHIFT - STRUCT_PAGE_MAX_SHIFT), 2^41
  /// bytes of it, VMALLOC_END = VMEMMAP_START - 256M.
  @Test("6.1: the fixmap and PCI I/O below the vmemmap, the Fixmap pair left out")
  func v6_1() throws {
    let lines = [
      "OSRELEASE=6.1.0-28-arm64", "PAGESIZE=4096", "SIZE(page)=64", "NUMBER(VA_BITS)=48",
      "NUMBER(TCR_EL1_T1SZ)=16", "NUMBER(MODULES_VADDR)=0xffff800000000000",
      "NUMBER(MODULES_END)=0xffff800008000000", "NUMBER(VMALLOC_START)=0xffff800008000000",
      "NUMBER(VMALLOC_END)=0xfffffbfff0000000", "NUMBER(VMEMMAP_START)=0xfffffc0000000000",
      "NUMBER(VMEMMAP_END)=0xfffffe0000000000",
    ]
    let layout = try #require(try Self.info(lines).linuxMarkers(symbols: nil))
    #expect(
      layout.markers.map(\.name) == [
        "Linear Mapping start", "Linear Mapping end", "Modules start", "Modules end",
        "vmalloc() area", "vmalloc() end", "PCI I/O start", "PCI I/O end", "vmemmap start",
        "vmemmap end",
      ])
    // PCI_IO_END = VMEMMAP_START - 8M, PCI_IO_START 16M below; vmemmap start unmoved.
    #expect(layout.markers[6].address == 0xffff_fbff_fe80_0000)
    #expect(layout.markers[7].address == 0xffff_fbff_ff80_0000)
    #expect(layout.markers[8].address == 0xffff_fc00_0000_0000)
    #expect(layout.fixmap == .leftOut)
    #expect(!layout.since69)
  }

  @Test("A note without the region bounds, or with bounds out of order, gives no markers")
  func missing() throws {
    let noBounds = Self.kernel4K48.filter { !$0.hasPrefix("NUMBER(VMEMMAP_END)") }
    #expect(try Self.info(noBounds).linuxMarkers(symbols: nil) == nil)
    var disordered = Self.kernel4K48.filter { !$0.hasPrefix("NUMBER(MODULES_END)") }
    disordered.append("NUMBER(MODULES_END)=0xffff700000000000")
    #expect(try Self.info(disordered).linuxMarkers(symbols: nil) == nil)
    var badBits = Self.kernel4K48.filter { !$0.hasPrefix("NUMBER(VA_BITS)") }
    badBits.append("NUMBER(VA_BITS)=99")
    #expect(try Self.info(badBits).linuxMarkers(symbols: nil) == nil)
  }
}
