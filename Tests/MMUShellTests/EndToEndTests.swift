import Foundation
import MMUTestSupport
import Testing

/// Runs the built binary on each script in Golden/e2e and compares stdout, stderr and the exit
/// status with the golden files, in text and --json modes. MMUSH_UPDATE_GOLDEN=1 rewrites them.
@Suite("End to end")
struct EndToEndTests {
  static let folder = "Tests/MMUShellTests/Golden/e2e"
  static let cases = MMUSH.scripts(under: folder).map { String($0.dropLast(4)) }
  static let update = ProcessInfo.processInfo.environment["MMUSH_UPDATE_GOLDEN"] == "1"

  @Test func thereAreGoldenCases() { #expect(Self.cases.count >= 5) }

  @Test(arguments: cases)
  func textMatchesGolden(_ base: String) throws {
    try check(base, json: false)
  }

  @Test(arguments: cases)
  func jsonMatchesGolden(_ base: String) throws {
    try check(base, json: true)
  }

  func check(_ base: String, json: Bool) throws {
    let r = try MMUSH.run((json ? ["--json"] : []) + [base + ".mmu"])
    let suffix = json ? ".json" : ""
    let actual = [
      (suffix + ".out", r.stdout), (suffix + ".err", r.stderr),
      (suffix + ".status", "\(r.status)\n"),
    ]
    for (ext, text) in actual {
      let path = MMUSH.root + "/" + base + ext
      if Self.update {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        continue
      }
      let golden = try String(contentsOfFile: path, encoding: .utf8)
      #expect(text == golden, "\(base)\(ext) differs:\n\(text)")
    }
  }

  @Test func versionAndHelp() throws {
    let v = try MMUSH.run(["--version"])
    #expect(v.status == 0)
    #expect(v.stdout == "0.1.0\n")
    let h = try MMUSH.run(["--help"])
    #expect(h.status == 0)
    #expect(h.stdout.contains("USAGE: mmush"))
    #expect(h.stdout.contains("--stop-on-failure"))
  }

  @Test func oneLinerStdinAndSeveralFiles() throws {
    let c = try MMUSH.run(["-c", "print 1 + 1; assert 2 == 2"])
    #expect(c.stdout == "2\n1 passed, 0 failed\n")
    #expect(c.status == 0)
    let s = try MMUSH.run(["-"], stdin: "print 3\n")
    #expect(s.stdout == "3\n")
    let piped = try MMUSH.run([], stdin: "print 4\n")
    #expect(piped.stdout == "4\n")
    let two = try MMUSH.run(["-c", "let a = 1", "-"], stdin: "assert a == 1\n")
    #expect(two.status == 0)
  }

  @Test func stopOnFailureStopsAtTheFirstFailure() throws {
    let r = try MMUSH.run(["--stop-on-failure", "-c", "assert 1 == 2\nassert 2 == 3\nprint 9"])
    #expect(r.status == 1)
    #expect(r.stdout.contains("0 passed, 1 failed"))
    #expect(!r.stdout.contains("0x9"))
  }

  @Test func maxStepsStopsARunawayLoop() throws {
    let r = try MMUSH.run(["--max-steps", "1000", "-c", "for i in 0 ..< 1000000 { let x = i }"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("error: step limit of 1000 statements reached"))
  }

  @Test func endlessRecursionIsADiagnostic() throws {
    // On the main thread's 8 MiB stack the call limit (200) is reached first.
    let r = try MMUSH.run(["-c", "proc f(n) { return f(n + 1) }\nf(0)"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("error: recursion deeper than 200 calls in 'f'"))
  }

  @Test func missingFileIsAUsageError() throws {
    let r = try MMUSH.run(["/nonexistent/x.mmu"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("cannot open /nonexistent/x.mmu"))
  }
}
