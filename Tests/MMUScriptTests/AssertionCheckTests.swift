import MMU
import MMUSyntax
import Testing

@testable import MMUScript

/// Each assertion records what it compared as data (AssertionCheck): the access and its
/// outcome, the TLB's status, counts, caught messages. The expected values follow from the
/// tables each script builds.
@Suite("Assertions: the interpreter records what was compared, typed")
struct AssertionCheckTests {
  /// One 4K read-only page at VA 0x1000 in a 48-bit, 4K TTBR0 space: the walk starts at
  /// level 0 and every table down to level 3 exists (architecture.md §2.5).
  static let page = """
    space k regime el1 ttbr0
    map k 0x1000 -> 0x8000_1000 size 4k ro
    switch ttbr0_el1 k

    """

  @Test("assert walk: the full access's outcome, then the TLB hit's address alone")
  func walk() throws {
    let h = Harness()
    let script =
      Self.page + """
        assert walk el1 0x1000 == 0x8000_1000
        assert walk el1 0x1234 == 0x8000_2234
        assert walk el1 0x2000 faults translation level 3
        assert walk el1 0x1000 denies write
        """
    #expect(h.run(script) == nil)
    let a = h.assertions
    try #require(a.count == 4)
    #expect(a.map(\.passed) == [true, false, true, true])
    // The first access misses the TLB and walks.
    guard case .walk(let first) = a[0].check, case .outcome(let o) = first.observed else {
      Issue.record("not a full access: \(a[0].check)")
      return
    }
    #expect(o.translation?.pa == 0x8000_1000)
    #expect(first.expectation == .translates(to: 0x8000_1000))
    #expect(first.regime == .el1 && first.va == 0x1000 && first.access == .read)
    #expect(!first.outputIsIPA)
    // The same page again: the TLB entry the first walk made answers with the address.
    #expect(
      a[1].check
        == .walk(
          WalkCheck(
            regime: .el1, va: 0x1234, access: .read, expectation: .translates(to: 0x8000_2234),
            observed: .address(0x8000_1234))))
    // The level-3 entry for 0x2000 is invalid: a translation fault at level 3, stage 1
    // (AArch64.S1Walk, a descriptor with bit 0 clear).
    #expect(
      a[2].check
        == .walk(
          WalkCheck(
            regime: .el1, va: 0x2000, access: .read,
            expectation: .faults(kind: .translation, level: 3, stage: nil, s1ptw: false),
            observed: .outcome(.faulted(Fault(.translation, level: 3))))))
    // A write to the read-only page: a permission fault at level 3.
    guard case .walk(let denied) = a[3].check, case .outcome(let d) = denied.observed else {
      Issue.record("not a full access: \(a[3].check)")
      return
    }
    #expect(denied.expectation == .denies && denied.access == .write)
    #expect(d.fault?.kind == .permission && d.fault?.level == 3)
  }

  @Test("assert tlb: the expected state, the status with the tables' answer, the cached one")
  func tlb() throws {
    let h = Harness()
    let script =
      Self.page + """
        walk el1 0x1000
        unmap k 0x1000 size 4k
        assert tlb hit el1 0x1000
        """
    #expect(h.run(script) == nil)
    let a = try #require(h.assertions.first)
    #expect(!a.passed)
    guard case .tlb(let t) = a.check else {
      Issue.record("not a TLB check: \(a.check)")
      return
    }
    #expect(t.regime == .el1 && t.va == 0x1000 && t.expected == .hit)
    // The entry still answers with the old page; the tables now fault at level 3.
    #expect(t.status == .stale(current: .faulted(Fault(.translation, level: 3))))
    #expect(t.outcome.translation?.pa == 0x8000_1000)
  }

  @Test("s1 under stage 2: the check says its addresses are IPAs")
  func stage1UnderStage2() throws {
    let h = Harness()
    let script = """
      set ipa_bits 40 granule 4k
      space g regime s2
      map g 0x100_0000 -> 0x8100_0000 size 2M
      map g 0x80_0000_0000 -> 0x4000_0000 size 4K
      switch vttbr_el2 g vmid 3
      set stage2 on
      space guest regime el1 ttbr0 granule 4k va_bits 48 pool 0x100_0000 size 1M via g
      map guest 0x1000_0000 -> 0x80_0000_0000 size 4K
      switch ttbr0_el1 guest
      assert walk s1 0x1000_0000 == 0x80_0000_0010
      assert tlb miss s1 0x1000_0000
      assert tlb miss el1 0x1000_0000
      """
    #expect(h.run(script) == nil)
    let a = try #require(h.assertions.first)
    #expect(!a.passed)
    guard case .walk(let w) = a.check, case .outcome(let o) = w.observed else {
      Issue.record("not a full access: \(a.check)")
      return
    }
    #expect(w.outputIsIPA)
    #expect(o.translation?.pa == 0x80_0000_0000)
    // `s1` has no TLB entries of its own: `assert tlb` probes as `el1` fills, the combined
    // entry, so both checks carry the final PA (0x80_0000_0000 -> 0x4000_0000 at stage 2).
    try #require(h.assertions.count == 3)
    guard case .tlb(let s1) = h.assertions[1].check, case .tlb(let el1) = h.assertions[2].check
    else {
      Issue.record("not TLB checks")
      return
    }
    #expect(s1.outcome.translation?.pa == 0x4000_0000)
    #expect(el1.outcome.translation?.pa == 0x4000_0000)
  }

  @Test("table checks, expect and plain conditions carry counts, names and messages")
  func otherForms() {
    let h = Harness()
    let script =
      Self.page + """
        assert find pa 0x9000_0000 el1
        assert find pa 0x8000_1000 el1
        expect error "zero" { print 1 / 0 }
        expect warning { print 1 }
        assert 1 == 2, "one is " + 0x1_0000
        """
    #expect(h.run(script) == nil)
    let a = h.assertions
    #expect(a.map(\.passed) == [false, true, true, false, false])
    #expect(
      a.map(\.check) == [
        .findPA(target: .regime(.el1), address: 0x9000_0000, mappings: 0),
        .findPA(target: .regime(.el1), address: 0x8000_1000, mappings: 1),
        .expectError(text: "zero", caught: "division by zero"),
        .expectWarning(text: nil, caught: []),
        .condition,
      ])
    // The message as the language's formatter prints it.
    #expect(a.last?.message == "one is 0x1_0000")
  }
}
