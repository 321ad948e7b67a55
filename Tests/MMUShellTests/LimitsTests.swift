import Foundation
import MMUTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Each limit from the command line and from `set`: a clear error at the limit, a script that
/// can lower it but not raise it past the command line's value, and usage errors as status 2.
@Suite("Limits")
struct LimitsTests {
  func run(_ args: [String], _ script: String) throws -> MMUSH.Result {
    try MMUSH.run(args + ["-c", script])
  }

  @Test func maxDepth() throws {
    let recurse = "proc f(n) { f(n + 1) }\nf(0)"
    let r = try run(["--max-depth", "7"], recurse)
    #expect(r.status == 2 && r.stderr.contains("recursion deeper than 7 calls in 'f'"))
    #expect(r.stderr.contains("--max-depth"))
    let lowered = try run([], "set max_depth 3\n" + recurse)
    #expect(lowered.stderr.contains("recursion deeper than 3 calls"))
    let raised = try run(["--max-depth", "7"], "set max_depth 8")
    #expect(raised.status == 2 && raised.stderr.contains("cannot be raised above 7"))
  }

  @Test func maxMemory() throws {
    let fill = "for p in 0 ..< 1M step 4k { mem write p = 1 }"
    let r = try run(["--max-memory", "64K"], fill)
    #expect(r.status == 2 && r.stderr.contains("memory budget of 16 pages (64K) exhausted"))
    #expect(try run(["--max-memory", "0x100000"], fill).status == 0)
    // A map says how many table pages it needs, before writing any.
    let map = try run(
      ["--max-memory", "1M"], "space k\nmap k 0 -> 0 size 1G pages\nshow machine")
    #expect(map.status == 2 && map.stderr.contains("this needs 514 more 4K pages for tables"))
    // The budget survives reset; a script may lower it and raise it back, not beyond.
    let reset = try run(["--max-memory", "64K"], "reset\n" + fill)
    #expect(reset.stderr.contains("16 pages"))
    let knob = try run([], "set max_memory 8K\nmem write 0 = 1\nmem write 4k = 1\nmem write 8k = 1")
    #expect(knob.status == 2 && knob.stderr.contains("budget of 2 pages"))
    let back = try run(["--max-memory", "1M"], "set max_memory 8K\nset max_memory 1M\n" + fill)
    #expect(back.status == 0, "\(back.stderr)")
    // Pages of a loaded file count once written (the kernel copies them).
    let temporary = try TemporaryFolder("mmush-file-pages")
    defer { temporary.remove() }
    let dir = temporary.path
    _ = FileManager.default.createFile(atPath: dir + "/f.bin", contents: Data(count: 1 << 20))
    let file = try MMUSH.run(
      [
        "--max-memory", "64K", "-c",
        "mem load 0x100000 \"f.bin\"\nfor p in 0x100000 ..< 0x200000 step 4k { mem write p = 1 }",
      ],
      directory: dir)
    #expect(file.status == 2 && file.stderr.contains("budget of 16 pages"), "\(file.stderr)")
    let raised = try run([], "set max_memory 2G")
    #expect(raised.status == 2 && raised.stderr.contains("cannot be raised above 1G"))
  }

  @Test func tlbEntriesCountAgainstTheMemoryBudget() throws {
    // 514 table pages leave 510 of 1024 for TLB entries: about 3260 of them (640 bytes each).
    let r = try run(
      ["--max-memory", "4M", "--quiet"],
      "space k\nmap k 0 -> 0 size 1G pages\nswitch ttbr0_el1 k\n"
        + "for va in 0 ..< 1G step 4k { walk el1 va }")
    #expect(r.status == 2 && r.stderr.contains("more than the memory budget allows"))
  }

  @Test func maxOutput() throws {
    let r = try run(["--max-output", "10"], "mem read 0 count 11")
    #expect(r.status == 2 && r.stderr.contains("allowed 1...10"))
    #expect(try run(["--max-output", "10"], "mem read 0 count 10").status == 0)
    let tlb = try run(
      ["--max-output", "4"],
      "space k\nmap k 0 -> 0 size 64k pages\nswitch ttbr0_el1 k\n"
        + "for va in 0 ..< 64k step 4k { walk el1 va }\ntlb show")
    #expect(tlb.status == 2 && tlb.stderr.contains("more than the output limit of 4"))
    #expect(try run([], "set max_output 0").stderr.contains("at least 1"))
  }

  @Test func maxSteps() throws {
    let r = try run(["--max-steps", "1000"], "for i in 0 ..< 0xffff_ffff_ffff_ffff { }")
    #expect(r.status == 2 && r.stderr.contains("step limit of 1000 statements reached"))
    let raised = try run(["--max-steps", "1000"], "set max_steps 1001")
    #expect(raised.status == 2 && raised.stderr.contains("start mmush with --max-steps"))
    // A broadcast TLBI counts the CPUs it reaches.
    let tlbi = try run(["--max-steps", "1000"], "cpus 64\nfor i in 0 ..< 100 { tlbi vmalle1is }")
    #expect(tlbi.status == 2 && tlbi.stderr.contains("step limit"))
  }

  @Test func stringsAndPendingTLBIs() throws {
    let s = try run([], "let s = \"ab\"\nfor i in 0 ..< 64 { s = s + s }")
    #expect(s.status == 2 && s.stderr.contains("string too long"))
    let t = try run([], "for i in 0 ..< 2000 { tlbi vae1 i * 4k }")
    #expect(t.status == 2 && t.stderr.contains("1024 TLBIs are pending on cpu0"))
    #expect(try run([], "for i in 0 ..< 2000 { tlbi vae1 i * 4k\n dsb ish }").status == 0)
  }

  @Test func aDotThatHangsIsStopped() throws {
    let temporary = try TemporaryFolder("mmush-slow-dot")
    defer { temporary.remove() }
    let dir = temporary.path
    // A `dot` that never ends, and starts a child that would outlive it.
    let dot = dir + "/dot"
    try "#!/bin/sh\nsleep 300 &\nsleep 300\n".write(toFile: dot, atomically: false, encoding: .utf8)
    chmod(dot, 0o755)
    let started = Date()
    let r = try MMUSH.run(
      ["-c", "space k\nmap k 0 -> 0 size 4k\ngraph k \"k.svg\""], directory: dir,
      environment: ["MMUSH_DOT": dot, "MMUSH_DOT_TIMEOUT": "1"])
    #expect(r.status == 2 && r.stderr.contains("ran for more than 1 s"), "\(r.stderr)")
    #expect(Date().timeIntervalSince(started) < 20)
  }

  @Test func usageErrorsAreStatusTwo() throws {
    for args in [
      ["--max-memory", "12Q"], ["--max-output", "0"], ["--max-steps", "0"], ["--bogus"],
    ] {
      let r = try MMUSH.run(args + ["-c", "print 1"])
      #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
      #expect(r.stderr.contains("Error:"), "\(args)")
    }
  }
}
