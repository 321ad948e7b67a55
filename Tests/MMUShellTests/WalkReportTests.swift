import Foundation
import Testing

/// What a walk reports: its output for `s1` under stage 2 (an IPA, read through stage 2), the
/// rights of a one-range regime (no EL0), and the missing-barrier warnings of
/// `strict_barriers` (docs/reference.md, docs/json.md, docs/tlb-model.md).
@Suite("Walk reports")
struct WalkReportTests {
  /// A guest (4K, 48-bit, TTBR0) whose tables are at IPA 0x100_0000, which stage 2 maps to PA
  /// 0x8100_0000 (a 2M block); VA 0x1000_0000 -> IPA 0x80_0000_8000 -> PA 0x4000_8000.
  static let guest = """
    set ipa_bits 40 granule 4k
    space g regime s2
    map g 0x100_0000 -> 0x8100_0000 size 2M
    map g 0x80_0000_0000 -> 0x4000_0000 size 64K
    switch vttbr_el2 g
    set stage2 on
    space guest regime el1 ttbr0 granule 4k va_bits 48 pool 0x100_0000 size 1M via g
    map guest 0x1000_0000 -> 0x80_0000_8000 size 4K user
    switch ttbr0_el1 guest

    """

  static func objects(_ out: String) throws -> [[String: JSONValue]] {
    try out.split(separator: "\n").map {
      try #require(try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)).object)
    }
  }

  /// Stage 1 reads its tables at IPAs: before the fix `s1` read PA 0x100_0000 (nothing there)
  /// and faulted at level 0.
  @Test func s1UnderStage2ReadsThroughStage2AndOutputsTheIPA() throws {
    let r = InProcess.run(
      Self.guest + """
        assert walk s1 0x1000_0123 == 0x80_0000_8123
        assert walk s1 0x1000_0123 notlb == 0x80_0000_8123
        assert walk(s1, 0x1000_0123).pa == 0x80_0000_8123
        assert pa(el1, 0x1000_0123) == 0x4000_8123
        walk s1 0x1000_0123
        """)
    #expect(r.status == 0, "\(r.out)\(r.err)")
    #expect(r.out.contains("walk s1 0x1000_0123 read: ipa 0x80_0000_8123  level 3 4K page"))
    #expect(!r.out.contains("read: pa "), "\(r.out)")
  }

  /// `pa()`, `assert walk … == PA` and `allows` take a plain TLB hit's address alone
  /// (`Machine.hitAddress`); what they say must be what the full access says. The guest's
  /// page is a user page (AP=01): with PSTATE.PAN an EL1 read faults (stage 1, level 3).
  @Test func addressOnlyHitsAnswerAsTheFullAccess() throws {
    let script =
      Self.guest + """
        walk el1 0x1000_0123
        assert tlb hit el1 0x1000_0123
        assert pa(el1, 0x1000_0456) == 0x4000_8456
        assert pa(s1, 0x1000_0456) == 0x80_0000_8456
        assert walk el1 0x1000_0789 == 0x4000_8789
        assert walk el1 0x1000_0789 allows write
        set pan on
        assert walk el1 0x1000_0789 denies read
        assert walk el1 0x1000_0789 == 0x4000_8000

        """
    let r = InProcess.run(script)
    #expect(r.status == 1, "\(r.out)\(r.err)")
    // Only the last assertion fails, and it reports the full access's fault.
    #expect((r.out + r.err).contains("6 passed, 1 failed"), "\(r.out)\(r.err)")
    #expect(
      (r.out + r.err).contains(
        "0x1000_0789 read: expected pa 0x4000_8000, got permission fault, level 3, stage 1"))
    let wrong = InProcess.run(
      Self.guest + "walk el1 0x1000_0000\nassert walk el1 0x1000_0000 == 0x4000_9000\n")
    #expect(wrong.status == 1)
    #expect((wrong.out + wrong.err).contains("expected pa 0x4000_9000, got pa 0x4000_8000"))
  }

  /// A failed `assert walk s1` says the answer is an IPA.
  @Test func aFailedS1AssertionNamesTheIPA() throws {
    let r = InProcess.run(Self.guest + "assert walk s1 0x1000_0123 == 0x4000_8123\n")
    #expect(r.status == 1)
    #expect(
      (r.out + r.err).contains("expected ipa 0x4000_8123, got ipa 0x80_0000_8123"),
      "\(r.out)\(r.err)")
  }

  @Test func anIPAOutputIsIPAInJSON() throws {
    let r = InProcess.run(
      Self.guest + "walk s1 0x1000_0123\ntranslate guest 0x1000_0123\nwalk el1 0x1000_0123\n",
      json: true)
    let walks = try Self.objects(r.out).filter { $0["type"]?.string == "walk" }
    #expect(walks.count == 3)
    for w in walks.prefix(2) {
      let t = try #require(w["translation"]?.object)
      #expect(t["ipa"]?.string == "0x8000008123")
      #expect(t["pa"] == nil)
    }
    let both = try #require(walks.last?["translation"]?.object)
    #expect(both["pa"]?.string == "0x40008123" && both["ipa"]?.string == "0x8000008123")
  }

  /// Non-VHE EL2: AP[2]=1 read-only, XN=1: `priv r--` and no EL0 column; with VHE (EL2&0,
  /// two ranges) EL0 is there again.
  @Test func nonVHEEL2HasNoEL0Rights() throws {
    let script = """
      set el 2
      space h regime el2 granule 4k va_bits 48
      map h 0x8000_0000 -> 0x4000_0000 size 4K ro
      switch ttbr0_el2 h
      walk el2 0x8000_0010
      """
    let text = InProcess.run(script)
    #expect(text.out.contains("inner-shareable  priv r--"), "\(text.out)")
    #expect(!text.out.contains("el0"), "\(text.out)")
    let json = InProcess.run(script, json: true)
    let walk = try #require(try Self.objects(json.out).first { $0["type"]?.string == "walk" })
    #expect(walk["translation"]?.object?["permissions"]?.string == "priv r--")
    let vhe = InProcess.run(
      """
      set vhe on
      set el 2
      space h regime vhe ttbr0 granule 4k va_bits 48
      map h 0x8000_0000 -> 0x4000_0000 size 4K ro
      switch ttbr0_el2 h
      walk el2 0x8000_0010
      """)
    // EL2&0, AP[2:1]=0b10 (read-only, no EL0 access), PXN/UXN set: el0 --- priv r--.
    #expect(vhe.out.contains("el0 --- priv r--"), "\(vhe.out)\(vhe.err)")
  }

  /// `strict_barriers`: each statement that looks up the TLB while a TLBI is pending warns
  /// once per pending TLBI; after the DSB, none do.
  @Test func aWalkWithATLBIPendingWarns() throws {
    let r = InProcess.run(
      """
      space k regime el1 ttbr1 granule 4k va_bits 48
      map k 0xffff_0000_0000_0000 -> 0x4000_0000 size 4K
      switch ttbr1_el1 k
      set strict_barriers on
      walk el1 0xffff_0000_0000_0000
      tlbi vae1 0xffff_0000_0000_0000
      tlbi vale1 0xffff_0000_0000_0000
      walk el1 0xffff_0000_0000_0000
      expect warning "tlbi vae1 on cpu0 has not been completed" { assert walk el1 0xffff_0000_0000_0000 == 0x4000_0000 }
      expect warning "tlbi vale1 on cpu0" { let w = walk(el1, 0xffff_0000_0000_0000) }
      expect warning "has not been completed" { assert tlb hit el1 0xffff_0000_0000_0000 }
      dsb nsh
      walk el1 0xffff_0000_0000_0000
      """)
    #expect(r.status == 0, "\(r.out)\(r.err)")
    let warnings = (r.out + r.err).components(separatedBy: "warning: tlbi ")
    // One per pending TLBI at each of lines 8 to 11: `expect warning` shows what it checks.
    #expect(warnings.count - 1 == 8, "\(r.out)\(r.err)")
    #expect((r.out + r.err).contains("views.mmu:8:1: warning: tlbi vae1 on cpu0"))
    #expect((r.out + r.err).contains("views.mmu:8:1: warning: tlbi vale1 on cpu0"))
  }

  /// PSTATE.PAN: a privileged read of an EL0-readable page takes a stage-1 Permission fault
  /// (architecture.md §8.3); the fault's code is any Permission fault's, so the report names
  /// PAN. With PAN off the same read translates; AT S1E1R ignores PAN.
  @Test func aPANFaultSaysPANCausedIt() throws {
    let script = """
      set feature pan 1
      space k regime el1 ttbr0
      map k 0x4000_0000 -> 0x8000_0000 size 64k pages user
      switch ttbr0_el1 k
      set pan on
      walk el1 0x4000_1000
      walk el1 0x4001_0000
      set pan off
      walk el1 0x4000_1000

      """
    let r = InProcess.run(script)
    let pan = "walk el1 0x4000_1000 read: permission fault, level 3, stage 1, by PSTATE.PAN"
    #expect(r.out.contains(pan), "\(r.out)")
    // Unmapped: a translation fault, not PAN's.
    #expect(r.out.contains("walk el1 0x4001_0000 read: translation fault, level 3, stage 1  "))
    #expect(r.out.contains("read: pa 0x8000_1000"))
    let j = try Self.objects(InProcess.run(script, json: true).out)
      .filter { $0["type"]?.string == "walk" }
    #expect(j.first?["fault"]?.object?["cause"]?.string == "pan")
    #expect(j[1]["fault"]?.object?["cause"] == nil)
  }

  /// A walk through a Contiguous group misprogrammed by `mem write` warns (architecture.md
  /// §3.6): 16 4K pages mapped `contig` at L3 entries 0-15; entry 5 invalidated; a walk of
  /// entry 3 names the group (at the L3 table's first entry) and the invalid entry.
  @Test func aMisprogrammedContiguousGroupWarns() throws {
    let script = """
      space k regime el1 ttbr0 granule 4k va_bits 48
      map k 0x4000_0000 -> 0x8000_0000 size 64k pages contig
      switch ttbr0_el1 k
      walk el1 0x4000_3000
      mem write desc_addr(k, 0x4000_5000, 3) = 0
      walk el1 0x4000_3000 notlb

      """
    let r = InProcess.run(script)
    let text = r.out + r.err
    let warnings = text.components(separatedBy: "warning: contiguous group misprogrammed")
    #expect(warnings.count == 2, "\(text)")
    #expect(text.contains("group of 16 at "), "\(text)")
    #expect(text.contains("has entry 5 not a valid leaf"), "\(text)")
    let j = try Self.objects(InProcess.run(script, json: true).out)
      .filter { $0["kind"]?.string == "contig-misprogrammed" }
    #expect(j.count == 1)
    #expect(j.first?["group_entries"] == .int(16) && j.first?["level"] == .int(3))
  }

  /// `tlb show`: a stage-2 leaf row says "stage 2" once, and no "global" (stage 2 has no
  /// ASID).
  @Test func aStage2TLBRowSaysStage2Once() throws {
    let r = InProcess.run(Self.guest + "walk el1 0x1000_0123\ntlb show\n")
    let rows = r.out.split(separator: "\n").filter { $0.contains("-> 0x8100_0000") }
    #expect(rows.count == 1, "\(r.out)")
    let row = String(rows.first ?? "")
    #expect(row.components(separatedBy: "stage 2").count == 2, "\(row)")
    #expect(!row.contains("global"), "\(row)")
  }
}
