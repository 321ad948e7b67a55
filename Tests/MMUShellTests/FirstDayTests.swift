import Foundation
import MMUScript
import MMUShell
import MMUSyntax
import MMUTestSupport
import Testing

/// Issue 17's reproductions ("a kernel engineer's first day"): each failed before its fix.
/// Rendered outputs are pinned by golden files in Golden/output/ (regenerate with
/// `MMUSH_UPDATE_GOLDEN=1 swift test --filter FirstDay` and review the diff by hand).
@Suite("First day")
struct FirstDayTests {
  static let golden = MMUSH.root + "/Tests/MMUShellTests/Golden/output"

  /// Runs sources as one batch (`mmush a.mmu b.mmu`), in process, as f0.mmu, f1.mmu, ….
  static func run(_ sources: [String], json: Bool = false, maxOutput: Int? = nil)
    -> InProcess.Output
  {
    let files = sources.enumerated().map {
      SourceFile(name: "f\($0.offset).mmu", bytes: Array($0.element.utf8))
    }
    return InProcess.run(files: files, json: json, maxOutput: maxOutput)
  }

  static func run(_ source: String, json: Bool = false, maxOutput: Int? = nil)
    -> InProcess.Output
  {
    run([source], json: json, maxOutput: maxOutput)
  }

  /// The JSON objects of a run, one a line.
  static func objects(_ text: String) throws -> [[String: JSONValue]] {
    try text.split(separator: "\n").map {
      try #require(try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)).object)
    }
  }

  // MARK: 2. each file on a fresh machine

  /// A file that maps V and checks its walk; run twice in one batch. On a shared machine the
  /// second `let`/`space` stops the run, and the first file's TLB entry (V -> 0x4000_0000)
  /// would answer the second file's walk to 0x5000_0000 (a stale hit).
  static func remap(_ pa: String) -> String {
    """
    let V = 0xffff_8000_0000_0000
    space k regime el1 ttbr1
    map k V -> \(pa) size 4K
    switch ttbr1_el1 k
    assert walk el1 V == \(pa)
    """
  }

  @Test("each file of a batch runs on a fresh machine; the summary totals all files")
  func freshMachinePerFile() {
    let r = Self.run([Self.remap("0x4000_0000"), Self.remap("0x5000_0000")])
    #expect(r.status == 0, "\(r.out)\(r.err)")
    #expect(r.err.isEmpty)
    #expect(r.out == "2 passed, 0 failed\n")
    // A failure in the first file still counts at the end.
    let f = Self.run(["assert 1 == 2", "assert 1 == 1"])
    #expect(f.status == 1)
    #expect(f.out.hasSuffix("1 passed, 1 failed\n"), "\(f.out)")
  }

  @Test("the built binary runs two files that each pass alone")
  func freshMachineBinary() throws {
    let temporary = try TemporaryFolder("mmush-fresh")
    defer { temporary.remove() }
    let dir = temporary.path
    try Self.remap("0x4000_0000").write(toFile: dir + "/a.mmu", atomically: true, encoding: .utf8)
    try Self.remap("0x5000_0000").write(toFile: dir + "/b.mmu", atomically: true, encoding: .utf8)
    let r = try MMUSH.run(["a.mmu", "b.mmu"], directory: dir)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout == "2 passed, 0 failed\n")
    let help = try MMUSH.run(["--help"])
    #expect(help.stdout.contains("fresh machine"))
  }

  // MARK: 11. decimal literals print in decimal

  @Test("a literal written in decimal prints in decimal; hex, binary and sizes stay hex")
  func decimalLiterals() {
    let r = Self.run(
      """
      for i in 0 ..< 3 { print i }
      for va in 0x1000 ..< 0x3000 step 0x1000 { print va }
      print 0x10, 4k, 1_000, 0b101, 10 - 12, 0x10 + 1, 3 * 4
      let n = 4096
      print n, str(n), hex(n)
      """)
    #expect(r.status == 0, "\(r.err)")
    // Decimal op decimal stays decimal (and signed); any hex operand makes the result hex.
    #expect(
      r.out == """
        0
        1
        2
        0x1000
        0x2000
        0x10 0x1000 1000 0x5 -2 0x11 12
        4096 4096 0x1000

        """)
  }

  // MARK: 10. hex_grouping reaches every rendering

  static let groupingScript = """
    space k regime el1 ttbr1
    map k 0xffff_8000_0000_0000 -> 0x4000_0000 size 8K
    switch ttbr1_el1 k
    set hex_grouping off
    print 0xffff_8000_0000_0000
    walk el1 0xffff_8000_0000_1000 trace
    dump k
    tlb show
    explain 0xffff_8000_0000_1000
    set hex_grouping on
    print 0xffff_8000_0000_0000
    """

  @Test("set hex_grouping off reaches print, walk, trace, dump, tlb show and explain")
  func hexGroupingText() throws {
    let r = Self.run(Self.groupingScript)
    #expect(r.status == 0, "\(r.err)")
    let lines = r.out.split(separator: "\n")
    let grouped = try Regex("0x[0-9a-f]+_")
    // Every line but the last (after `set hex_grouping on`) has no grouped hex.
    for l in lines.dropLast() {
      #expect(!l.contains(grouped), "grouped while off: \(l)")
    }
    #expect(lines.last == "0xffff_8000_0000_0000")
    Golden.expect("hex-grouping-off.txt", r.out, directory: Self.golden)
  }

  @Test("with --json, text fields follow hex_grouping; hex fields never group")
  func hexGroupingJSON() throws {
    let r = Self.run(
      """
      print 0xffff_8000_0000_0000
      set hex_grouping off
      print 0xffff_8000_0000_0000
      """, json: true)
    let prints = try Self.objects(r.out).filter { $0["type"] == .string("print") }
    #expect(
      prints.map { $0["text"] } == [
        .string("0xffff_8000_0000_0000"), .string("0xffff800000000000"),
      ])
    #expect(prints.allSatisfy { $0["values"] == .array([.string("0xffff800000000000")]) })
  }

  // MARK: 14. maintenance in the JSON log

  @Test("tlbi, dsb, isb and tlb fill emit JSON objects; text prints none of them")
  func maintenanceJSON() throws {
    // Two CPUs: VAE1IS is performed on both (Inner Shareable); it completes at the DSB ISH
    // of the issuer, removing CPU 1's entry filled by `tlb fill`.
    let script = """
      cpus 2
      space k regime el1 ttbr1
      map k 0xffff_8000_0000_0000 -> 0x4000_0000 size 4K
      on cpu 1 {
        switch ttbr1_el1 k
        tlb fill el1 0xffff_8000_0000_0000
      }
      switch ttbr1_el1 k
      tlbi vae1is 0xffff_8000_0000_0000
      isb
      dsb ish
      """
    let text = Self.run(script)
    #expect(text.status == 0 && text.out.isEmpty, "\(text.out)\(text.err)")
    let objects = try Self.objects(Self.run(script, json: true).out)
    #expect(objects.compactMap { $0["type"]?.string } == ["tlb_fill", "tlbi", "isb", "dsb"])
    let fill = objects[0]
    #expect(fill["cpu"] == .int(1))
    #expect(fill["translation"]?.object?["pa"] == .string("0x40000000"))
    let tlbi = objects[1]
    #expect(tlbi["op"] == .string("vae1is"))
    #expect(tlbi["domain"] == .string("inner"))
    #expect(tlbi["targets"] == .array([.int(0), .int(1)]))
    // ISB completes no TLBI: still pending after it.
    #expect(objects[2]["pending"] == .array([.string("vae1is")]))
    let dsb = objects[3]
    #expect(dsb["pending"] == .array([]))
    guard case .array(let completed) = dsb["completed"], completed.count == 1,
      case .array(let removed) = completed[0].object?["removed"]
    else {
      Issue.record("no completion: \(dsb)")
      return
    }
    // CPU 0 never walked V (nothing to remove); CPU 1 loses its leaf entry for V.
    let counts = removed.compactMap(\.object).map { [$0["cpu"], $0["entries"]] }
    #expect(counts == [[.int(0), .int(0)], [.int(1), .int(1)]])
  }

  @Test("docs/json.md names the TLB status the output prints")
  func tlbStatusWord() throws {
    let doc = try #require(Golden.read(MMUSH.root + "/docs/json.md"))
    #expect(!doc.contains("not used"))
    let r = Self.run(
      """
      space k regime el1 ttbr1
      map k 0xffff_8000_0000_0000 -> 0x4000_0000 size 4K
      translate k 0xffff_8000_0000_0000
      """, json: true)
    let walk = try #require(try Self.objects(r.out).first { $0["type"] == .string("walk") })
    // A software walk of a space's tables: no TLB is consulted.
    #expect(walk["tlb"] == .string("none"))
    #expect(doc.contains("`none` when no TLB was consulted"))
  }

  // MARK: 8. the dump limit counts rows

  @Test("a 4 GiB linear map of pages dumps as one row")
  func dumpCountsRows() {
    // 4 GiB of 4K pages: 2^20 L3 entries in 2048 tables, one run (contiguous output, same
    // attributes): one ptdump row, well under the 1,000,000-row limit.
    let r = Self.run(
      """
      space k regime el1 ttbr1
      map k 0xffff_8000_0000_0000 -> 0x4000_0000 size 4G pages
      dump k
      """)
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.hasSuffix("1 row: 1048576 L3 pages, 4G mapped\n"), "\(r.out)")
  }

  @Test("more rows than --max-output stop with a hint naming --max-output")
  func dumpRowLimit() {
    // Three pages with alternating rights: three runs, one more than the limit of 2.
    let r = Self.run(
      """
      space k regime el1 ttbr1
      map k 0xffff_8000_0000_0000 -> 0x4000_0000 size 4K
      map k 0xffff_8000_0000_1000 -> 0x4000_1000 size 4K ro
      map k 0xffff_8000_0000_2000 -> 0x4000_2000 size 4K
      dump k
      """, maxOutput: 2)
    #expect(r.status == 2)
    #expect(r.err.contains("more than 2 rows"), "\(r.err)")
    #expect(r.err.contains("--max-output"), "\(r.err)")
    let ok = Self.run(
      """
      space k regime el1 ttbr1
      map k 0xffff_8000_0000_0000 -> 0x4000_0000 size 4K
      map k 0xffff_8000_0000_1000 -> 0x4000_1000 size 4K ro
      dump k
      """, maxOutput: 2)
    #expect(ok.status == 0, "\(ok.err)")
  }

  @Test("visiting is bounded by the step budget")
  func dumpVisitsCountSteps() {
    // 2M of pages: 512 entries and 4 tables visited, more than the 100 steps left.
    let r = Self.run(
      """
      space k regime el1 ttbr1
      map k 0xffff_8000_0000_0000 -> 0x4000_0000 size 2M pages
      set max_steps 100
      dump k
      """)
    #expect(r.status == 2)
    #expect(r.err.contains("step limit of 100"), "\(r.err)")
    #expect(r.err.contains("--max-steps"), "\(r.err)")
  }

  // MARK: 13. columns and widths

  /// Addresses of different widths: a page at the very top (its range ends at 2^64, 17 hex
  /// digits) and pages low in the upper half; a two-stage walk for long trace lines.
  static let columnsScript = """
    space k regime el1 ttbr1
    map k 0xffff_ffff_ffff_f000 -> 0x4000_0000 size 4K
    map k 0xffff_0000_0000_0000 -> 0x4000_0000 size 4K
    map k 0xffff_0000_0000_1000 -> 0x4_4000_1000 size 4K ro
    switch ttbr1_el1 k
    walk el1 0xffff_ffff_ffff_f000 trace
    walk el1 0xffff_0000_0000_1000
    dump k
    tlb show
    """

  @Test("dump and tlb show line up whatever the address widths, with no trailing spaces")
  func columnsAlign() throws {
    let out = try InProcess.runText(Self.columnsScript, width: nil)
    let lines = out.split(separator: "\n").map(String.init)
    for l in lines { #expect(!l.hasSuffix(" "), "trailing space: '\(l)'") }
    // The dump rows: "->" in one column although the top row's end has 17 digits.
    let rows = lines.filter { $0.hasPrefix("0xffff") }
    #expect(rows.count == 3)
    #expect(Set(rows.map { $0.firstRange(of: "->")?.lowerBound.utf16Offset(in: $0) }).count == 1)
    // tlb show: the output addresses (4_4000_1000 is longer) start in one column.
    let tlb = lines.filter { $0.hasPrefix("  0xffff") }
    #expect(tlb.count == 2)
    #expect(Set(tlb.map { $0.firstRange(of: "->")?.lowerBound.utf16Offset(in: $0) }).count == 1)
    #expect(Set(tlb.map { $0.firstRange(of: "EL1&0")?.lowerBound.utf16Offset(in: $0) }).count == 1)
    Golden.expect("columns.txt", out, directory: Self.golden)
  }

  /// Walks whose trace and result lines are long: a stage-1 walk, a stale TLB hit (the
  /// result carries what the tables now give), and a two-stage walk (IPA and PA columns).
  static let walksScript = """
    space k regime el1 ttbr1
    map k 0xffff_8000_0000_0000 -> 0x4000_0000 size 4K
    switch ttbr1_el1 k
    walk el1 0xffff_8000_0000_0000 trace
    map k 0xffff_8000_0000_0000 -> 0x5000_0000 size 4K force
    walk el1 0xffff_8000_0000_0000 write
    space g regime s2 ipa_bits 40 granule 4k
    set ipa_bits 40 granule 4k
    map g 0 -> 0 size 4G
    switch vttbr_el2 g
    set stage2 on
    tlbi vmalle1
    dsb sy
    walk el1 0xffff_8000_0000_0010 trace
    """

  @Test("on a narrow terminal trace and walk lines wrap at field boundaries")
  func narrowTerminal() throws {
    // Not a terminal (a file or pipe): no width, one line per step and per walk.
    let full = try InProcess.runText(Self.walksScript, width: nil)
    #expect(full.split(separator: "\n").contains { $0.count > 100 })
    let words = full.split(whereSeparator: { $0 == " " || $0 == "\n" })
    for width in [80, 60] {
      let out = try InProcess.runText(Self.walksScript, width: width)
      for l in out.split(separator: "\n") where !l.contains("warning") {
        #expect(l.count <= width, "wider than \(width): '\(l)'")
        #expect(!l.hasSuffix(" "), "trailing space: '\(l)'")
      }
      // Lines break only between fields: the same words, in the same order.
      #expect(out.split(whereSeparator: { $0 == " " || $0 == "\n" }) == words)
      Golden.expect("walks-\(width).txt", out, directory: Self.golden)
    }
  }

  // MARK: 12. walk-cache and TLB notes of nested walks

  /// Stage 2 with 4K granule, 40-bit IPA (start level 1, two concatenated tables) and 2M
  /// blocks: the first stage-1 table IPA (0xe000_0800) is walked in full (L1 table, L2
  /// block) and leaves the 2M block in the TLB and the L1 table entry in the walk cache.
  static let nestedScript = """
    space k regime el1 ttbr1
    map k 0xffff_8000_0000_0000 -> 0xe020_0000 size 4K
    switch ttbr1_el1 k
    space g regime s2 ipa_bits 40 granule 4k pool 0x8000_0000 size 1M
    set ipa_bits 40 granule 4k
    map g 0xe000_0000 -> 0xe000_0000 size 2M
    map g 0xe020_0000 -> 0x9000_0000 size 2M
    switch vttbr_el2 g
    set stage2 on
    walk el1 0xffff_8000_0000_0010 trace
    """

  @Test("each walk-cache or TLB note of a nested trace sits under the step it belongs to")
  func nestedTraceNotes() throws {
    let out = try InProcess.runText(Self.nestedScript, width: nil)
    let lines = out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    func after(_ prefix: String) -> String? {
      lines.firstIndex { $0.hasPrefix(prefix) }.flatMap {
        $0 + 1 < lines.count ? lines[$0 + 1] : nil
      }
    }
    // The stage-1 tables at IPA 0xe000_1000..3000 are in the 2M block the L0 entry's
    // sub-walk put in the TLB: no descriptor is read for them, and the trace says so.
    #expect(after("s1 L1") == "stage 2 of ipa 0xe000_1000 from the TLB: pa 0xe000_1000")
    #expect(after("s1 L2") == "stage 2 of ipa 0xe000_2000 from the TLB: pa 0xe000_2000")
    #expect(after("s1 L3") == "stage 2 of ipa 0xe000_3000 from the TLB: pa 0xe000_3000")
    // The output IPA 0xe020_0010 is in the same 1G (IPA[39:30] = 3: the L1 entry at
    // 0x8000_0000 + 3 * 8), cached by the first sub-walk: its stage 2 starts at L2, index
    // IPA[29:21] = 257, entry 0x8000_2000 + 257 * 8 = 0x8000_2808.
    #expect(
      after("stage 2 of the output IPA 0xe020_0010:")
        == "from the walk cache: s2 L1 entry at 0x8000_0018 = 0x0000_0000_8000_2003, table -> 0x8000_2000"
    )
    #expect(after("from the walk cache: s2 L1")?.hasPrefix("s2 L2 [257]  0x8000_2808") == true)
    // Nothing is printed above the first step.
    #expect(lines.first?.hasPrefix("s1 L0 [256]") == true)
    Golden.expect("nested-trace.txt", out, directory: Self.golden)
  }
}
