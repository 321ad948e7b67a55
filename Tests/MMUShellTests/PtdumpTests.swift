import Foundation
import Testing

/// `dump … format linux|kvm` and the whole-table checks on hand-built tables. Every expected
/// line is derived by hand from the kernels' rules: arch/arm64/mm/ptdump.c (note_page: a run
/// ends when the printed bits, the level or the next marker change; `0x%016lx-0x%016lx
/// %9lu%c LEVEL`; the pte_bits fields in order, each ` %s`; holes print no fields),
/// mm/pagewalk.c (every entry of an existing table is noted, a zero one as a hole at its
/// level) and arch/arm64/kvm/ptdump.c (stage2_pte_bits; no final flush).
@Suite("Kernel-format dumps and whole-table checks")
struct PtdumpTests {
  /// 4K granule, 48-bit VA, TTBR1 (levels 0..3 = PGD PUD PMD PTE). The mapper's defaults are
  /// PAGE_KERNEL (docs/reference.md): valid, AP RW at EL1, SH inner (SHD), AF, PXN and UXN,
  /// AttrIndx 0 (MEM/NORMAL), global.
  static let kernel = """
    space k regime el1 ttbr1 granule 4k va_bits 48
    map k 0xffff_0000_0000_0000 -> 0x4000_0000 size 2M
    map k 0xffff_0000_0020_0000 -> 0x8000_0000 size 2M
    map k 0xffff_0000_0040_0000 -> 0x4040_0000 size 64k rx pages contig
    map k 0xffff_0000_0041_0000 -> 0x4000_0000 size 8k pages attr 4
    map k 0xffff_0000_0041_2000 -> 0x4041_2000 size 4k pages rwx ng
    map k 0xffff_8000_0000_0000 -> 0x5000_0000 size 4k pages user
    switch ttbr1_el1 k
    marker 0xffff_0000_0000_0000 "Linear Mapping start"
    marker 0xffff_8000_0000_0000 "Linear Mapping end"
    marker 0xffff_8000_0000_0000 "Modules start"
    marker 0xffff_8000_8000_0000 "Modules end"

    """

  @Test("4K/48: rows, levels, fields, holes and markers as ptdump prints them")
  func linux4K48() {
    let r = InProcess.run(PtdumpTests.kernel + "dump el1 format linux\n")
    #expect(r.status == 0, "\(r.err)")
    // Two 2M blocks to unrelated PAs are one row (runs never join on output address). The
    // rx pages print ro, "x " (PXN clear) and CON; attr 4 is DEVICE/nGnRE; rwx ng prints RW,
    // "x " and NG; `user` prints USR. Page entries print "   " for the table bit, blocks BLK.
    // Holes: PTEs 19..511 of the L3 table (0x1ed000 bytes = 1972K), L2 entries 3..511
    // (1018M), L1 1..511 (511G), L0 1..255 (255 x 512G = 130560G). Two markers at one address
    // both print before the row that reaches it; the last row ends at 2^64, printed as 0.
    let expected = """
      ---[ Linear Mapping start ]---
      0xffff000000000000-0xffff000000400000           4M PMD       RW NX SHD AF        BLK UXN    MEM/NORMAL
      0xffff000000400000-0xffff000000410000          64K PTE       ro x  SHD AF    CON     UXN    MEM/NORMAL
      0xffff000000410000-0xffff000000412000           8K PTE       RW NX SHD AF            UXN    DEVICE/nGnRE
      0xffff000000412000-0xffff000000413000           4K PTE       RW x  SHD AF NG         UXN    MEM/NORMAL
      0xffff000000413000-0xffff000000600000        1972K PTE
      0xffff000000600000-0xffff000040000000        1018M PMD
      0xffff000040000000-0xffff008000000000         511G PUD
      0xffff008000000000-0xffff800000000000      130560G PGD
      ---[ Linear Mapping end ]---
      ---[ Modules start ]---
      0xffff800000000000-0xffff800000001000           4K PTE   USR RW NX SHD AF            UXN    MEM/NORMAL
      0xffff800000001000-0xffff800000200000        2044K PTE
      0xffff800000200000-0xffff800040000000        1022M PMD
      0xffff800040000000-0xffff800080000000           1G PUD
      ---[ Modules end ]---
      0xffff800080000000-0xffff808000000000         510G PUD
      0xffff808000000000-0x0000000000000000      130560G PGD

      """
    #expect(r.out == expected)
  }

  @Test("without markers there are no marker lines and the kernel half is one walk")
  func noMarkers() {
    let script = """
      space k regime el1 ttbr1 granule 4k va_bits 48
      map k 0xffff_ffff_ffe0_0000 -> 0x4000_0000 size 4k pages
      switch ttbr1_el1 k
      dump el1 format linux

      """
    // The page is PTE 0 of the last L3 table: L0 0..510 are one PGD hole (511 x 512G =
    // 261632G), L1 0..510 (511 x 1G = 511G), L2 0..510 (511 x 2M = 1022M), then the page and
    // the 511 empty PTEs (2044K) up to 2^64.
    let expected = """
      0xffff000000000000-0xffffff8000000000      261632G PGD
      0xffffff8000000000-0xffffffffc0000000         511G PUD
      0xffffffffc0000000-0xffffffffffe00000        1022M PMD
      0xffffffffffe00000-0xffffffffffe01000           4K PTE       RW NX SHD AF            UXN    MEM/NORMAL
      0xffffffffffe01000-0x0000000000000000        2044K PTE

      """
    let r = InProcess.run(script)
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out == expected)
  }

  @Test("level names follow the number of levels: 16K/48 has four, 4K/39 three")
  func levelNames() {
    // 16K/48: levels 0..3, L0 has 2 entries (bit 47). A 32M block at L2 is a PMD; the hole
    // after it in L2 is PMD; L1 entries 1..2047 (64G each) a PUD hole; L0 entry 1 a PGD hole.
    let sixteen = """
      space k regime el1 ttbr1 granule 16k va_bits 48
      map k 0xffff_0000_0000_0000 -> 0x4000_0000 size 32M
      dump k format linux

      """
    let r16 = InProcess.run(sixteen)
    #expect(r16.status == 0, "\(r16.err)")
    #expect(
      r16.out == """
        0xffff000000000000-0xffff000002000000          32M PMD       RW NX SHD AF        BLK UXN    MEM/NORMAL
        0xffff000002000000-0xffff001000000000       65504M PMD
        0xffff001000000000-0xffff800000000000      131008G PUD
        0xffff800000000000-0x0000000000000000         128T PGD

        """)
    // 4K/39: levels 1..3 = PGD PMD PTE (the PUD is folded into the PGD).
    let three = """
      space k regime el1 ttbr1 granule 4k va_bits 39
      map k 0xffff_ff80_0000_0000 -> 0x4000_0000 size 1G
      dump k format linux

      """
    let r3 = InProcess.run(three)
    #expect(r3.status == 0, "\(r3.err)")
    #expect(
      r3.out == """
        0xffffff8000000000-0xffffff8040000000           1G PGD       RW NX SHD AF        BLK UXN    MEM/NORMAL
        0xffffff8040000000-0x0000000000000000         511G PGD

        """)
  }

  @Test("KVM's stage-2 format: levels by number, R W X AF BLK, and no final flush")
  func kvm() {
    let script = """
      set ipa_bits 40 granule 4k
      space g regime s2 granule 4k ipa_bits 40
      map g 0 -> 0x4000_0000 size 2M
      map g 0x20_0000 -> 0x4020_0000 size 8k pages r x
      map g 0x20_2000 -> 0x4020_2000 size 4k pages
      dump g format kvm

      """
    // Stage 2 defaults: S2AP rw, XN set (X), AF. The `r x` pages: R only, XN clear (" ").
    // 40-bit IPA, 4K: start level 1 (two concatenated tables). kvm_ptdump_guest_show never
    // flushes, so the last run (L1 entries 1..1023) is not printed.
    let expected = """
      ---[ Guest IPA ]---
      0x0000000000000000-0x0000000000200000           2M 2   R W X AF BLK
      0x0000000000200000-0x0000000000202000           8K 3   R     AF    
      0x0000000000202000-0x0000000000203000           4K 3   R W X AF    
      0x0000000000203000-0x0000000000400000        2036K 3
      0x0000000000400000-0x0000000040000000        1020M 2

      """
    let r = InProcess.run(script)
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out == expected)
  }

  @Test("check wx counts as ptdump_check_wx: W+X pages and non-UXN pages")
  func wx() {
    let r = InProcess.run(PtdumpTests.kernel + "check wx el1\n")
    #expect(r.status == 0, "\(r.err)")
    // Only the rwx page is writable with PXN clear; every run has UXN (no `user x`).
    #expect(
      r.out == """
        check wx el1: TTBR1_EL1, 4K pages
        Checked W+X mappings: FAILED, 1 W+X pages found, 0 non-UXN pages found
        W+X      0xffff000000412000-0xffff000000413000           4K PTE       RW x  SHD AF NG         UXN    MEM/NORMAL

        """)
    // `user x` clears UXN (EL0 may execute): 2 non-UXN pages; and the assert form fails.
    let more = InProcess.run(
      PtdumpTests.kernel + """
        map k 0xffff_8000_0000_1000 -> 0x5000_1000 size 8k pages user x
        assert check wx el1

        """)
    #expect(more.status == 1)
    #expect(
      more.out.contains("expected no W+X and no non-UXN pages, got 1 W+X pages, 2 non-UXN pages"))
    let clean = InProcess.run(
      """
      space k regime el1 ttbr1 granule 4k va_bits 48
      map k 0xffff_0000_0000_0000 -> 0x4000_0000 size 2M
      map k 0xffff_0000_0020_0000 -> 0x4020_0000 size 4k pages rx
      switch ttbr1_el1 k
      check wx el1
      assert check wx el1

      """)
    #expect(clean.status == 0, "\(clean.err)")
    #expect(clean.out.contains("Checked W+X mappings: passed, no W+X pages found"))
  }

  @Test("find pa lists every VA reaching the bytes; check aliases the type conflicts")
  func reverseAndAliases() {
    let r = InProcess.run(
      PtdumpTests.kernel + """
        find pa 0x4000_1000 size 4k el1
        check aliases el1
        assert find pa 0x5000_0000 el1
        assert find pa 0x9000_0000 el1

        """)
    #expect(r.status == 1)
    // PA 0x4000_1000 is in the first 2M block (VA +0x1000) and in the attr-4 pages mapped
    // at 0xffff_0000_0041_0000 -> 0x4000_0000 (VA +0x1000). Those pages are Device-nGnRE
    // (MAIR attr 4 = 0x04) over Normal write-back memory (attr 0 = 0xff): one alias, over
    // the 8K both map.
    #expect(
      r.out.hasPrefix(
        """
        find pa 0x4000_1000-0x4000_2000 in el1: 2 mappings
        0xffff_0000_0000_1000-0xffff_0000_0000_2000     4K  <- 0x4000_1000  TTBR1_EL1 L2 block  el0 --- el1 rw-  normal-wb
        0xffff_0000_0041_1000-0xffff_0000_0041_2000     4K  <- 0x4000_1000  TTBR1_EL1 L3 page  el0 --- el1 rw-  device-ngnre
        check aliases el1: 1 alias
        pa 0x4000_0000-0x4000_2000:
          0xffff_0000_0000_0000-0xffff_0000_0020_0000     2M  <- 0x4000_0000  TTBR1_EL1 L2 block  el0 --- el1 rw-  normal-wb
          0xffff_0000_0041_0000-0xffff_0000_0041_2000     8K  <- 0x4000_0000  TTBR1_EL1 L3 page  el0 --- el1 rw-  device-ngnre

        """))
    // 0x5000_0000 is mapped (the user page); 0x9000_0000 is not.
    #expect(
      r.out.contains(
        "assertion failed: find pa 0x9000_0000 el1: expected a mapping, got 0 mappings"))
    #expect(!r.out.contains("find pa 0x5000_0000"))
  }

  @Test("diff dump: rows only one space has, as - and + lines")
  func diff() {
    let script = """
      space a regime el1 ttbr1 granule 4k va_bits 48
      map a 0xffff_0000_0000_0000 -> 0x4000_0000 size 8k pages
      space b regime el1 ttbr1 granule 4k va_bits 48
      map b 0xffff_0000_0000_0000 -> 0x4000_0000 size 8k pages
      protect b 0xffff_0000_0000_1000 size 4k ro
      diff dump a b
      assert diff dump a a
      assert diff dump a b

      """
    let r = InProcess.run(script)
    #expect(r.status == 1)
    // a: one 8K PTE row then the 2040K hole; b: a 4K RW row, a 4K ro row, the same hole.
    #expect(
      r.out.hasPrefix(
        """
        --- space a
        +++ space b
        -0xffff000000000000-0xffff000000002000           8K PTE       RW NX SHD AF            UXN    MEM/NORMAL
        +0xffff000000000000-0xffff000000001000           4K PTE       RW NX SHD AF            UXN    MEM/NORMAL
        +0xffff000000001000-0xffff000000002000           4K PTE       ro NX SHD AF            UXN    MEM/NORMAL

        """))
    #expect(
      r.out.contains("diff dump space a space b: expected no difference, got 3 differing rows"))
  }

  @Test("markers must come in address order; JSON carries the same rows")
  func markersAndJSON() {
    let bad = InProcess.run(
      """
      marker 0x2000 "b"
      marker 0x1000 "a"

      """)
    #expect(bad.status == 2)
    #expect(bad.err.contains("markers go in address order"))
    let stage1 = InProcess.run("dump el1 format kvm\n")
    #expect(stage1.status == 2)
    #expect(stage1.err.contains("format kvm is KVM's stage-2 dump"))
    let json = InProcess.run(PtdumpTests.kernel + "dump el1 format linux\n", json: true)
    #expect(json.status == 0)
    let lines = json.out.split(separator: "\n")
    #expect(lines.filter { $0.contains(#""type":"ptdump_row""#) }.count == 14)
    #expect(lines.filter { $0.contains(#""type":"ptdump_marker""#) }.count == 4)
    #expect(
      json.out.contains(
        #""text":"0xffff000000413000-0xffff000000600000        1972K PTE""#))
  }

  @Test("linux/ptdump: 6.1 lists the fixmap before PCI I/O and vmemmap, 6.9+ after them")
  func markerOrders() {
    // One page in each of four regions; the markers are placed by hand (any values in
    // address order): the names must come out in each version's list order.
    let tables = """
      import "linux/ptdump"
      space k regime el1 ttbr1 granule 4k va_bits 48
      map k 0xffff_0000_0000_0000 -> 0x4000_0000 size 4k pages
      map k 0xffff_8000_0000_0000 -> 0x4000_0000 size 4k pages
      map k 0xffff_c000_0000_0000 -> 0x4000_0000 size 4k pages
      map k 0xffff_e000_0000_0000 -> 0x4000_0000 size 4k pages
      switch ttbr1_el1 k

      """
    let v61 = InProcess.run(
      tables + """
        lx_markers_v6_1(48, 0xffff_8000_0000_0000, 0xffff_8000_0800_0000, \
            0xffff_8000_0800_0000, 0xffff_a000_0000_0000, 0xffff_b000_0000_0000, \
            0xffff_b000_0080_0000, 0xffff_c000_0000_0000, 0xffff_d000_0000_0000, \
            0xffff_e000_0000_0000)
        dump el1 format linux

        """)
    #expect(v61.status == 0, "\(v61.err)")
    let names61 = v61.out.split(separator: "\n").filter { $0.hasPrefix("---[") }
    #expect(
      names61 == [
        "---[ Linear Mapping start ]---", "---[ Linear Mapping end ]---",
        "---[ Modules start ]---", "---[ Modules end ]---", "---[ vmalloc() area ]---",
        "---[ vmalloc() end ]---", "---[ Fixmap start ]---", "---[ Fixmap end ]---",
        "---[ PCI I/O start ]---", "---[ PCI I/O end ]---", "---[ vmemmap start ]---",
        "---[ vmemmap end ]---",
      ])
    // 6.9+: VA_BITS 48 on 48 bits, 4K pages, struct page 64 bytes, 981 fixmap slots
    // (lx_fixmap_slots(4K, 0, 0, 1, 1): 2 + 512 + 1 + 2 + 4 + 65 * 7 + 5). A marker prints
    // only when an entry is noted at or past it, so the top markers need tables up there:
    // a fixmap page (as the kernel has) gives the last L0 entry an L1, L2 and L3 table.
    let v69 = InProcess.run(
      tables + """
        map k 0xffff_ffff_ff5f_e000 -> 0x4000_0000 size 4k pages
        assert lx_fixmap_slots(4K, 0, 0, 1, 1) == 981
        assert lx_fixmap_slots(16K, 1, 1, 1, 1) == 265
        lx_markers_v6_9(48, 48, 4K, 0xffff_8000_0000_0000, 0xffff_8000_8000_0000, \
            0xffff_fdff_bf80_0000, 0xffff_fdff_c000_0000, 0xffff_ffff_c000_0000, 64, 981)
        dump el1 format linux

        """)
    #expect(v69.status == 0, "\(v69.err)")
    let names69 = v69.out.split(separator: "\n").filter { $0.hasPrefix("---[") }
    #expect(
      names69 == [
        "---[ Linear Mapping start ]---", "---[ Linear Mapping end ]---",
        "---[ Modules start ]---", "---[ Modules end ]---", "---[ vmalloc() area ]---",
        "---[ vmalloc() end ]---", "---[ vmemmap start ]---", "---[ vmemmap end ]---",
        "---[ PCI I/O start ]---", "---[ PCI I/O end ]---", "---[ Fixmap start ]---",
        "---[ Fixmap end ]---",
      ])
    // FIXADDR_TOT_START = -8M - 981 pages = 0xffff_ffff_ff42_b000: the row before the
    // marker ends there.
    #expect(v69.out.contains("-0xffffffffff42b000 "))
  }

  @Test("JSON: check wx, find pa, check aliases and diff dump carry what the text says")
  func checksJSON() {
    let r = InProcess.run(
      PtdumpTests.kernel + """
        check wx el1
        find pa 0x4000_1000 size 4k el1
        check aliases el1
        diff dump k k

        """, json: true)
    #expect(r.status == 0, "\(r.err)")
    let lines = r.out.split(separator: "\n")
    let wx = lines.first { $0.contains(#""type":"check_wx""#) } ?? ""
    #expect(wx.contains(#""passed":false"#) && wx.contains(#""wx_pages":1"#))
    #expect(wx.contains(#""non_uxn_pages":0"#))
    let find = lines.first { $0.contains(#""type":"find_pa""#) } ?? ""
    #expect(find.contains(#""va":"0xffff000000001000""#))
    #expect(find.contains(#""va":"0xffff000000411000""#))
    let aliases = lines.first { $0.contains(#""type":"check_aliases""#) } ?? ""
    #expect(aliases.contains(#""passed":false"#) && aliases.contains(#""last":"0x40001fff""#))
    let diff = lines.first { $0.contains(#""type":"diff_dump""#) } ?? ""
    #expect(diff.contains(#""lines":[]"#))
  }
}
