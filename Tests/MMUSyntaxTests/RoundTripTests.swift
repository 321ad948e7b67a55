import Testing

@testable import MMUSyntax

/// `parse(format(parse(x)))` equals `parse(x)` up to source ranges, over representative
/// programs, so the printer loses nothing and the parser accepts its own canonical form.
@Suite("Round trip")
struct RoundTripTests {
  static let corpus: [String] = [
    // Every statement form at least once.
    #"""
    #!/usr/bin/env mmush
    import "linux/arm64"
    include "common.mmu"
    let base = 0xffff_0000_0000_0000
    base = base + 4k
    proc map_kernel(space, va, pa, size) {
      map space va -> pa size size rw nx
      return va
    }
    proc nothing() {}
    map_kernel(kern, base, 0x4000_0000, 2M)
    if levels(el1) == 4 { print "four" } else if levels(el1) == 3 {
      print "three"
    }
    else {
      echo "other"
    }
    for i in 0 ..< 4 step 2 { print i, hex(i << 12) }
    for l in start_level(el1) ... 3 {
      print index(el1, base, l)
    }
    print va & mask(47, 12) == 0, -1, ~0, !true, (1 + 2) * 3
    echo
    echo "tab\there \"quoted\" back\\slash\nnewline"
    reset
    set granule 16k for el2
    set va_bits 39
    set pa_bits 52
    set ipa_bits 40 granule 4k
    set el 2
    set lpa2 on for s2
    set vhe off
    set stage2 on
    set table_pool 0x8000_0000 size 16M
    set feature bbm 2
    set feature hafdbs off
    set tlb_speculative on
    set strict_barriers off
    set bbm_check on
    set mair_el1 = 0xff
    set tcr_el1.t0sz = 64 - 39
    set max_steps 1000
    set hex_grouping on
    set fault_level start 3 for el1
    cpus 4
    cpu 1
    cpu 2 offline
    cpu 2 online
    on cpu 1 {
      tlbi vmalle1is
      dsb ish
    }
    show regs
    show machine
    show spaces
    show cpus
    show tlb
    show tlb cpu 1
    tlb show cpu 0
    space kern regime el1 ttbr1 granule 4k va_bits 48 pool 0x4000_0000 size 2M at 0x4000_0000
    space vm regime s2 ipa_bits 40
    space guest via vm
    map kern base -> 0x4000_0000 size 2M rw nx
    map 0x1000 ..< 0x3000 -> 0x8000 user rx
    map kern base ..< base + 4M -> pa r ro user rx pxn attr 2 sh inner ng noaf contig level -1 force
    map kern base ..< base + 4M -> pa rw rwx x nc pages
    map kern base ..< base + 4M -> pa nx pxn uxn normal
    map kern base ..< base + 4M -> pa wt
    map kern base ..< base + 4M -> pa device ngnrne
    map kern base ..< base + 4M -> pa ngnre
    map kern base ..< base + 4M -> pa gre
    unmap kern base size 4k free
    unmap base size 2M
    protect kern base size 4k ro
    protect base size 4k sh none attr 1
    switch ttbr1_el1 kern asid 3
    switch vttbr_el2 vm vmid 7
    translate kern base granule 4k va_bits 48
    mem write 0x8000 = 0x0040_0000_0000_0703 size 8
    mem write p + 8 = v
    mem read 0x8000 count 4
    mem load 0x4000_0000 "kernel.bin"
    mem save 0x4000_0000 size 64k "out.bin"
    decode 0x0060_0000_4000_0741 level -1 regime vhe granule 16k
    walk el1 base write trace notlb
    walk (va)
    walk r va + 8
    at s12e0w base
    explain base for el2
    tlbi vae1is base asid 3 level 3
    tlbi vale1 xt (3 << 48) | (base >> 12)
    tlbi alle2
    dsb
    dsb nshst
    isb
    tlb fill el1 base
    assert walk el1 base write notlb == 0x4000_0000, "mapped"
    assert walk base faults permission level 3 stage 1 s1ptw
    assert walk base exec faults
    assert walk el0 base allows read
    assert walk base denies exec, "pxn"
    assert tlb hit el1 base
    assert tlb stale base
    assert walk(el1, base).ok && pa(el1, base) == 0x4000_0000, "via builtins"
    assert (a == b)
    expect warning "break-before-make" {
      map kern base -> 0 size 4k force
    }
    expect error {}
    dump
    dump kern
    dump el1 base size 1G
    dump base size 2M
    layout
    layout el2
    graph "tables.dot"
    graph kern dir + "/kern.dot"
    dump format linux
    dump el1 format linux
    dump el1 base size 1G format linux
    dump s2 format kvm
    marker base "Linear Mapping start"
    marker base + 2G "Modules end"
    marker clear
    check wx
    check aliases el1
    find pa 0x4000_0000
    find pa 0x4000_0000 size 2M el1
    diff dump kern el1
    diff dump kern el1 format kvm
    assert check wx el1, "W^X"
    assert check aliases
    assert find pa 0x4000_0000 size 4k kern
    assert diff dump kern el1
    """#,
    // A kernel-style setup with continuation lines and semicolons.
    #"""
    set granule 4k; set va_bits 48
    space kern ttbr1 \
      pool 0x4000_0000 size 1M
    let text = 0xffff_8000_1000_0000
    map kern text -> 0x4008_0000 size 2M rx   # .text
    map kern text + 2M -> 0x4028_0000 size 4M rw nx
    switch ttbr1_el1 kern asid 1
    tlbi vmalle1; dsb sy; isb
    assert walk el1 text exec == 0x4008_0000
    assert walk el1 text + 2M write == 0x4028_0000
    assert walk el0 text denies read
    """#,
    // Stage 2 and a guest, with nested blocks and procs calling procs.
    #"""
    set ipa_bits 40
    set stage2 on
    space vm regime s2 ipa_bits 40 pool 0x1_0000_0000 size 8M
    map vm 0 -> 0x8000_0000 size 1G
    space guest via vm pool 0x100_0000 size 1M
    proc check(va, expected) {
      if expected == 0 {
        assert walk el1 va faults translation
      } else {
        assert walk el1 va == expected, "guest " + hex(va)
      }
    }
    for page in 0 ..< 8 {
      let va = page << 12
      if page % 2 == 0 { map guest va -> 0x200_0000 + va size 4k } else { check(va, 0) }
    }
    on cpu 0 {
      on cpu 1 {
        tlbi ipas2e1is 0x1000 level 3
        dsb ish
        tlbi vmalle1is
        dsb ish
      }
    }
    """#,
    // Expressions of every shape.
    #"""
    print 1 + 2 * 3 - 4 / 5 % 6
    print (1 + 2) * (3 - 4)
    print a << 2 >> 1 & 0xff ^ 0x0f | 0x100
    print a < b && c <= d || e > f && g >= h
    print a == b, a != b
    print - -1, -(-1), ~~0, !!x
    print f(g(h(1), 2), (3)).field.sub
    print "a" + "b" + hex(0xffff_ffff_ffff_ffff)
    print el0, el1, el2, s1, s2, true, false
    print 0, 1023, 1024, 4k, 2M, 1G, 512G, 1T, 1P
    """#,
  ]

  @Test("parse(format(parse(x))) == parse(x), ignoring ranges", arguments: corpus.indices)
  func roundTrips(_ index: Int) throws {
    let original = try program(Self.corpus[index])
    let printed = ASTPrinter.format(original)
    let reparsed = try program(printed)
    #expect(shape(reparsed) == shape(original), "printed:\n\(printed)")
    // The canonical form is a fixed point.
    #expect(ASTPrinter.format(reparsed) == printed)
    #expect(original.count > 5)
  }

  @Test("the ignoring-ranges comparison does notice a changed tree")
  func shapeIsSensitive() throws {
    #expect(
      shape(try program("map 0 -> 0 size 4k rw")) != shape(try program("map 0 -> 0 size 4k ro")))
    #expect(shape(try program("walk el1 va")) != shape(try program("walk el2 va")))
    #expect(shape(try program("print (1)")) != shape(try program("print 1")))
    #expect(shape(try program("print 1")) == shape(try program("  print   1 # same tree")))
  }

  @Test("canonical form, exactly")
  func canonicalForm() throws {
    // Words are case-sensitive, literals' prefixes and suffixes are not.
    #expect(diagnose("map kern 0X4000_0000->4k size 2m RW")?.message == "unknown attribute 'RW'")
    let statements = try program(
      "if x==1{print 4096,0x10,2M;walk   el1 0x1000 read}\nelse{tlb show;dsb;set vhe true}\nproc p(){}"
    )
    #expect(
      ASTPrinter.format(statements) == """
        if x == 1 {
          print 4096, 0x10, 0x20_0000
          walk el1 0x1000 read
        } else {
          show tlb
          dsb sy
          set vhe on
        }
        proc p() {}

        """)
  }

  @Test("the printer adds parentheses a synthesised tree needs")
  func synthesisedTrees() throws {
    let r = try expression("x").range
    func n(_ v: UInt64) -> Expr { Expr(v < 1024 ? .decimal(v) : .integer(v), range: r) }
    func b(_ op: BinaryOperator, _ a: Expr, _ c: Expr) -> Expr { Expr(.binary(op, a, c), range: r) }
    #expect(b(.multiply, b(.add, n(1), n(2)), n(3)).description == "(1 + 2) * 3")
    #expect(b(.subtract, n(1), b(.subtract, n(2), n(3))).description == "1 - (2 - 3)")
    #expect(b(.equal, b(.less, n(1), n(2)), n(3)).description == "(1 < 2) == 3")
    #expect(Expr(.unary(.negate, b(.add, n(1), n(2))), range: r).description == "-(1 + 2)")
    #expect(
      Expr(.member(Expr(.unary(.negate, n(1)), range: r), Name("x", range: r)), range: r)
        .description == "(-1).x")
    // A juxtaposed operand starting with '-' is parenthesised so it cannot become a subtraction.
    let m = MapStmt(
      space: Expr(.identifier("kern"), range: r), va: Expr(.unary(.negate, n(1)), range: r),
      pa: n(0),
      extent: .size(n(4096)), attributes: [], range: r)
    #expect(ASTPrinter.format(.map(m)) == "map kern (-1) -> 0 size 0x1000")
    #expect(try program(ASTPrinter.format(.map(m))).count == 1)
  }

  @Test("strings print with exactly the escapes the lexer reads")
  func strings() throws {
    let value = "a\"b\\c\nd\te → ✓"
    #expect(ASTPrinter.format(string: value) == #""a\"b\\c\nd\te → ✓""#)
    #expect(try kinds(ASTPrinter.format(string: value)) == [.string(value)])
  }

  @Test(
    "integers print in decimal below 1024, else in hex grouped by four",
    arguments: [
      (0 as UInt64, "0"), (1023, "1023"), (1024, "0x400"), (0xffff, "0xffff"),
      (0x1_0000, "0x1_0000"),
      (0xffff_8000_0000_0000, "0xffff_8000_0000_0000"), (UInt64.max, "0xffff_ffff_ffff_ffff"),
    ])
  func integers(value: UInt64, text: String) throws {
    #expect(ASTPrinter.format(integer: value) == text)
    #expect(try kinds(text) == [.integer(value)])
  }
}
