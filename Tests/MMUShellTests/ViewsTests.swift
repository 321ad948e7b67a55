import Foundation
import MMU
import MMUShell
import MMUSyntax
import MMUTestSupport
import Testing

@testable import MMUScript

/// `graph`, terminal widths, and the cost of reading big tables.
@Suite("Views", .serialized)
struct ViewsTests {
  static let dotInstalled = GraphBuilder.findDot() != nil

  /// 1 GiB of 4K pages: 512 L3 tables, which the graph draws as one group.
  static let gigabyte = """
    space u regime el1 ttbr0
    map u 0x4000_0000 -> 0x8000_0000 size 1G pages
    map u 0x8000_0000 -> 0x1_0000_0000 size 64K pages ro user
    """

  @Test("graph writes Graphviz source that groups sibling leaf tables")
  func dotSource() throws {
    let temporary = try TemporaryFolder("mmush-views")
    defer { temporary.remove() }
    let dir = temporary.path
    let r = InProcess.run(Self.gigabyte + "\ngraph u \"\(dir)/u.dot\"\n", allowWrite: [dir])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains("graph of 'u' (517 tables, 2 leaf runs, 1 group of tables)"))
    let dot = try #require(Golden.read(dir + "/u.dot"))
    #expect(dot.hasPrefix("digraph \"u\" {"))
    #expect(dot.contains("512 L3 tables"))
    #expect(dot.contains("1G: L3 262144 pages -> 0x8000_0000"))
    // Readable: a few dozen lines, not one per table.
    #expect(dot.split(separator: "\n").count < 40)
  }

  @Test("graph runs dot for an .svg", .enabled(if: ViewsTests.dotInstalled))
  func svg() throws {
    let temporary = try TemporaryFolder("mmush-views")
    defer { temporary.remove() }
    let dir = temporary.path
    let r = InProcess.run(Self.gigabyte + "\ngraph u \"\(dir)/u.svg\"\n", allowWrite: [dir])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains("written to \(dir)/u.svg (source \(dir)/u.dot)"), "\(r.out)")
    let svg = try #require(Golden.read(dir + "/u.svg"), "no SVG was made")
    #expect(svg.contains("<svg"))
    #expect(svg.contains("512 L3 tables"))
  }

  @Test("without Graphviz, graph writes the source and says so")
  func dotMissing() throws {
    // The lookup honours MMUSH_DOT first; a path that is not an executable means "missing",
    // whatever PATH holds.
    #expect(
      GraphBuilder.findDot(environment: { $0 == "MMUSH_DOT" ? "/nonexistent/dot" : nil }) == nil)
    let temporary = try TemporaryFolder("mmush-views")
    defer { temporary.remove() }
    let dir = temporary.path
    setenv("MMUSH_DOT", "/nonexistent/dot", 1)
    defer { unsetenv("MMUSH_DOT") }
    let r = InProcess.run(Self.gigabyte + "\ngraph u \"\(dir)/u.svg\"\n", allowWrite: [dir])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains("source written to \(dir)/u.dot, no svg"), "\(r.out)")
    #expect(
      r.out.contains("note: Graphviz 'dot' is not installed: wrote the source to \(dir)/u.dot"))
    #expect(FileManager.default.fileExists(atPath: dir + "/u.dot"))
    #expect(!FileManager.default.fileExists(atPath: dir + "/u.svg"))
    let j = InProcess.run(
      Self.gigabyte + "\ngraph u \"\(dir)/v.png\"\n", json: true, allowWrite: [dir])
    #expect(j.out.contains("\"rendered\":false"))
    #expect(j.out.contains("\"note\":\"Graphviz 'dot' is not installed"))
  }

  static let kernel = """
    space k regime el1 ttbr1
    map k 0xffff_0000_0000_0000 -> 0x4000_0000 size 1G
    map k 0xffff_8000_8000_0000 -> 0x4100_0000 size 64K pages rx
    map k 0xffff_8000_8001_0000 -> 0x0900_0000 size 64K pages device user ng contig
    switch ttbr1_el1 k
    """

  @Test("a narrow terminal gets the dump's attributes on a continuation line")
  func narrowDump() throws {
    let wide = try InProcess.runText(Self.kernel + "\ndump el1\n", width: nil)
    let narrow = try InProcess.runText(Self.kernel + "\ndump el1\n", width: 80)
    #expect(wide.split(separator: "\n").contains { $0.count > 80 })
    for l in narrow.split(separator: "\n") { #expect(l.count <= 80, "\(l)") }
    // The same rows and words, only wrapped.
    #expect(narrow.split(separator: "\n").count > wide.split(separator: "\n").count)
    #expect(narrow.contains("    -> 0x4100_0000  el0 --- el1 r-x  normal-wb"))
  }

  @Test("a narrow terminal gets explain as a list")
  func narrowExplain() throws {
    let source = Self.kernel + "\nexplain 0xffff_8000_8000_1234 for el1\n"
    let wide = try InProcess.runText(source, width: 200)
    let narrow = try InProcess.runText(source, width: 72)
    #expect(wide.contains("+----------------+---------+"))
    #expect(!narrow.contains("+---"))
    #expect(narrow.contains("  [47:39] L0 index 256 (0x100), entry 0xe000_0800"))
    for l in narrow.split(separator: "\n") { #expect(l.count <= 72, "\(l)") }
  }

  @Test("a walk that starts from the walk cache says which entry it started from")
  func walkCacheLine() throws {
    let out = try InProcess.runText(
      Self.kernel
        + "\nwalk el1 0xffff_8000_8000_0010\nwalk el1 0xffff_8000_8000_1010 trace\n", width: nil)
    let lines = out.split(separator: "\n")
    let first = try #require(lines.firstIndex { $0.contains("from the walk cache: s1 L2 entry") })
    // Then the one read the walk made itself: the L3 entry.
    #expect(lines[first + 1].hasPrefix("  s1 L3 [1]"), "\(out)")
  }

  @Test("no colour codes when the output is not a terminal")
  func noColour() throws {
    let out = try InProcess.runText(
      Self.kernel + "\nset stage2 on\nwalk el1 0xffff_8000_8000_0010 trace\n", width: nil)
    #expect(!out.contains("\u{1b}["))
  }

  @Test("a dump costs the valid entries, not the size of big tables")
  func dumpCost() throws {
    // 64K/52: a 1024-entry L1 and 8192-entry L2/L3 tables; one page mapped.
    let out = StringOutput()
    let interpreter = Interpreter(sink: TextRenderer(output: out))
    try interpreter.run(
      SourceFile(
        name: "cost.mmu",
        bytes: Array(
          """
          set granule 64k
          set va_bits 52
          space k regime el1 ttbr1
          map k 0xffff_ffff_ffff_0000 -> 0x4000_0000 size 64K
          set ipa_bits 40 granule 16k
          space g regime s2
          map g 0xff_ffff_c000 -> 0x5000_0000 size 16K
          """.utf8)))
    let m = interpreter.machine
    for name in ["k", "g"] {
      let sp = try #require(m.space(named: name))
      let r = sp.inputRange(upper: sp.upper ?? false)
      let scan = try sp.scan(
        from: r.lowerBound, through: r.upperBound, memory: m.memory, setup: sp.softwareSetup())
      // The start table, the tables below it, and one valid entry per level: nothing else is
      // visited, however many invalid entries the tables hold.
      #expect(scan.visited == sp.geometry.levels + 1, "\(name)")
      #expect(scan.tables.count == sp.geometry.levels)
      #expect(scan.runs.count == 1)
      #expect(scan.runs.first?.last == r.upperBound)
    }
  }

  @Test("a dump of tables that point at each other stops at the limit")
  func dumpLimit() throws {
    var options = InterpreterOptions()
    options.maxOutputItems = 10_000
    let out = StringOutput()
    let interpreter = Interpreter(options: options, sink: TextRenderer(output: out))
    // Every entry of the root table points at the root itself (at every level): 512^4 paths.
    var script = "space k regime el1 ttbr0\n"
    script += "let root = 0xe000_0000\n"
    script += "for i in 0 ..< 512 { mem write root + i * 8 = root | 3 }\n"
    script += "dump k\n"
    #expect(throws: Diagnostic.self) {
      try interpreter.run(SourceFile(name: "loop.mmu", bytes: Array(script.utf8)))
    }
  }

  /// Stage 2 maps IPA 0x100_0000 (the guest's tables) but not IPA 0, where TTBR1_EL1 = 0
  /// points: the TTBR1 section carries the problem, the TTBR0 one its row, and the script
  /// goes on (before, the dump stopped the run with an error).
  @Test("a regime's half stage 2 does not map is a section with its problem, in JSON too")
  func unmappedHalfUnderStage2() throws {
    let r = InProcess.run(
      """
      set ipa_bits 40 granule 4k
      space g regime s2
      map g 0x100_0000 -> 0x8100_0000 size 2M
      switch vttbr_el2 g
      set stage2 on
      space guest regime el1 ttbr0 granule 4k va_bits 48 pool 0x100_0000 size 1M via g
      map guest 0x1000_0000 -> 0x80_0000_8000 size 4K
      switch ttbr0_el1 guest
      dump el1
      layout el1
      echo "after"
      """, json: true)
    #expect(r.status == 0, "\(r.out)")
    let objects = try r.out.split(separator: "\n").map {
      try #require(try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)).object)
    }
    let dump = try #require(objects.first { $0["type"]?.string == "dump" })
    guard case .array(let sections)? = dump["sections"] else {
      Issue.record("no sections: \(dump)")
      return
    }
    let halves = sections.compactMap(\.object)
    #expect(halves.map { $0["name"]?.string } == ["TTBR0_EL1", "TTBR1_EL1"])
    #expect(halves.first?["problem"] == nil && halves.first?["rows"] == .int(1))
    #expect(
      halves.last?["problem"]?.string
        == "a stage-1 table at IPA 0x0 is not mapped by stage 2 (VTTBR_EL2)")
    #expect(halves.last?["problem_kind"]?.string == "unmapped-table")
    let layout = try #require(objects.first { $0["type"]?.string == "layout" })
    guard case .array(let regions)? = layout["regions"] else {
      Issue.record("no regions: \(layout)")
      return
    }
    let ttbr1 = regions.compactMap(\.object).first { $0["name"]?.string == "TTBR1_EL1" }
    #expect(ttbr1?["problem"]?.string?.contains("IPA 0x0 is not mapped") == true)
    #expect(ttbr1?["problem_kind"]?.string == "unmapped-table")
    #expect(objects.contains { $0["type"]?.string == "echo" })
  }

  @Test("with `set fault_level start` the text says the model's level for EPD and for holes")
  func startLevelWords() {
    // T0SZ=T1SZ=25: 39-bit halves on 4K, walks start at level 1 (architecture.md §2.5); the
    // setup faults (out of range, EPD1) are at that level under this choice (§2.9).
    let r = InProcess.run(
      "set tcr_el1.t0sz = 25\nset tcr_el1.t1sz = 25\nset tcr_el1.epd1 = 1\n"
        + "set fault_level start\ndump el1\nlayout el1\n")
    #expect(r.status == 0, "\(r.err)")
    #expect(
      r.out.contains("  no walk: TCR_EL1.EPD1=1 (a walk from TTBR1 faults: translation, level 1)"))
    #expect(r.out.contains("hole (translation fault, level 1)"))
    #expect(!r.out.contains("level 0"), "\(r.out)")
  }
}
