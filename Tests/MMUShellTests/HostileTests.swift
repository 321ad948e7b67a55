import Foundation
import MMUTestSupport
import Testing

/// Hostile inputs: whatever a script says, mmush answers with a result or a clear diagnostic,
/// never a crash, a hang, a blown memory budget or a file written where it was not allowed.
/// Every input in Golden/hostile (one hostility each, named in its first line) and every input
/// generated below runs through the real binary, in a sandbox folder full of traps (see
/// `Hostile.Sandbox`), and must end with status 1 (a failed assertion) or 2 (a diagnostic)
/// and say why, within the timeout. Each kept file states, on its second line, the status
/// and a fragment of the message it was written to reach (`# expect: exit 2, "3:9: error:
/// no file"`), so a file that fails earlier, for another reason, fails the test. The step
/// limit is lowered to keep the corpus fast in a debug build; every other limit is the
/// default.
@Suite("Hostile inputs")
struct HostileTests {
  static let folder = "Tests/MMUShellTests/Golden/hostile"
  static let arguments = ["--max-steps", "100000"]
  /// Generous for a debug build on a loaded machine; inputs take well under a second.
  static let timeout = 30.0

  /// Inputs made here rather than kept as files: huge, binary, or both.
  static func generated() -> [(name: String, bytes: [UInt8])] {
    func text(_ s: String) -> [UInt8] { Array(s.utf8) }
    let mb = 1 << 20
    var g: [(String, [UInt8])] = [
      ("deep-parens-100k", text("print " + String(repeating: "(", count: 100_000) + "1")),
      ("deep-blocks-100k", text(String(repeating: "if true {\n", count: 100_000))),
      (
        "deep-braces-closed",
        text(String(repeating: "{", count: 50_000) + String(repeating: "}", count: 50_000))
      ),
      ("deep-unary-256k", text("print " + String(repeating: "-", count: mb / 4) + "1")),
      (
        "deep-procs-chain",
        text(
          (0..<5000).map { "proc p\($0)() { p\($0 + 1)() }" }.joined(separator: "\n")
            + "\nproc p5000() { }\np0()\nassert false")
      ),
      ("long-line-comment", text("# " + String(repeating: "c", count: mb) + "\nassert false")),
      (
        "long-line-string",
        text("let s = \"" + String(repeating: "s", count: mb) + "\"\necho s\nassert false")
      ),
      ("long-line-string-unterminated", text("echo \"" + String(repeating: "s", count: mb))),
      ("long-line-identifier", text(String(repeating: "a", count: mb) + " = 1")),
      ("long-line-number", text("print " + String(repeating: "9", count: mb))),
      ("long-line-hex", text("print 0x" + String(repeating: "f", count: mb))),
      ("long-line-sum", text("print 0" + String(repeating: "+1", count: mb / 8))),
      (
        "long-line-args",
        text("print 1" + String(repeating: ",1", count: mb / 8) + "\nassert false")
      ),
      (
        "long-line-attrs",
        text(
          "space k\nmap k 0 -> 0 size 4k" + String(repeating: " rw", count: mb / 3)
            + "\nassert false")
      ),
      ("long-line-semicolons", text(String(repeating: ";", count: mb / 4) + "\nassert false")),
      (
        "long-line-error-in-middle",
        text("print 1" + String(repeating: " ", count: mb) + "+ nosuchvar")
      ),
      (
        "many-lines",
        text((0..<20_000).map { "let v\($0) = \($0)" }.joined(separator: "\n") + "\nassert false")
      ),
      (
        "many-procs",
        text(
          (0..<20_000).map { "proc f\($0)(a) { return a }" }.joined(separator: "\n")
            + "\nassert false")
      ),
      ("nul-only", [UInt8](repeating: 0, count: 4096)),
      ("nul-in-statement", text("print 1") + [0] + text(" + 2\n")),
      ("nul-in-string", text("echo \"a") + [0] + text("b\"\nassert false\n")),
      ("nul-in-comment", text("# a") + [0] + text("b\nassert false\n")),
      ("nul-in-path", text("include \"a") + [0] + text(".mmu\"\n")),
      ("nul-in-save-path", text("mem save 0 size 4k \"x") + [0] + text("y\"\n")),
      ("utf8-lone-continuation", text("print ") + [0x80, 0x81] + text("\n")),
      ("utf8-overlong-slash", text("include \"") + [0xc0, 0xaf] + text("etc/passwd\"\n")),
      ("utf8-surrogate", text("echo \"") + [0xed, 0xa0, 0x80] + text("\"\n")),
      ("utf8-f8", [0xf8, 0x88, 0x80, 0x80, 0x80]),
      ("utf8-truncated-at-eof", text("echo \"x") + [0xe2, 0x82]),
      ("utf8-in-comment", text("# ") + [0xff, 0xfe, 0xfd] + text("\nassert false\n")),
      ("utf8-in-identifier", text("let a") + [0xc3] + text("b = 1\n")),
      ("utf8-bom-then-garbage", [0xef, 0xbb, 0xbf, 0xff] + text("print 1\n")),
      ("crlf-everywhere", text("space k\r\nmap k 0 -> 0 size 4k\r\nassert false\r\n")),
      ("include-chain-too-deep", text("include \"chain-0.mmu\"\n")),
    ]
    // Random bytes, and random tokens of the language, from fixed seeds.
    var seed: UInt64 = 0x9e37_79b9_7f4a_7c15
    func next() -> UInt64 {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return seed >> 33
    }
    for i in 0..<10 {
      g.append(("random-bytes-\(i)", (0..<4096).map { _ in UInt8(truncatingIfNeeded: next()) }))
    }
    let words = [
      "map", "walk", "at", "tlbi", "dsb", "space", "k", "0", "0x1000", "->", "size", "4k", "{",
      "}", "(", ")", "for", "i", "in", "..<", "proc", "f", "if", "else", "let", "=", "+", "<<",
      "mem", "write", "read", "count", "set", "el1", "s2", "cpus", "64", "on", "cpu", "\n",
      "\"", "assert", "expect", "error", "-1", "0xffff_ffff_ffff_ffff", ";", "trace", "level",
    ]
    for i in 0..<10 {
      let tokens = (0..<2000).map { _ in words[Int(next() % UInt64(words.count))] }
      g.append(("random-tokens-\(i)", text(tokens.joined(separator: " "))))
    }
    return g.map { ("generated-" + $0.0 + ".mmu", $0.1) }
  }

  /// The `# expect: exit N, "fragment"` line of a kept input: its second line.
  static func expectation(_ bytes: [UInt8]) -> (status: Int32, fragment: String)? {
    let lines = String(decoding: bytes.prefix(4096), as: UTF8.self).split(
      separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
    guard lines.count > 1, lines[1].hasPrefix("# expect: exit ") else { return nil }
    let line = lines[1].dropFirst("# expect: exit ".count)
    guard let comma = line.firstIndex(of: ","), let status = Int32(line[..<comma]),
      let open = line.firstIndex(of: "\""), let close = line.lastIndex(of: "\""), open < close
    else { return nil }
    let fragment = String(line[line.index(after: open)..<close])
    return fragment.isEmpty ? nil : (status, fragment)
  }

  @Test func everyHostileInputEndsWithADiagnostic() throws {
    let sandbox = try Hostile.Sandbox()
    defer { sandbox.remove() }
    let kept = MMUSH.scripts(under: Self.folder)
    for path in kept {
      let name = String(path.split(separator: "/").last!)
      try FileManager.default.copyItem(
        atPath: MMUSH.root + "/" + path, toPath: sandbox.work + "/" + name)
    }
    let generated = Self.generated()
    for (name, bytes) in generated { sandbox.write(name, bytes) }
    for i in 0..<70 {
      sandbox.write("chain-\(i).mmu", Array("include \"chain-\(i + 1).mmu\"\n".utf8))
    }
    var expected: [String: (status: Int32, fragment: String)] = [:]
    for path in kept {
      let name = String(path.split(separator: "/").last!)
      let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: MMUSH.root + "/" + path)))
      let e = Self.expectation(bytes)
      #expect(e != nil, "\(name): no `# expect: exit N, \"fragment\"` second line")
      expected[name] = e
    }
    let names = kept.map { String($0.split(separator: "/").last!) } + generated.map(\.name)
    #expect(names.count >= 200)

    let before = sandbox.outsideContents()
    let started = Date()
    let outcomes = Hostile.run(
      names, arguments: Self.arguments, in: sandbox.work, timeout: Self.timeout)
    let total = Date().timeIntervalSince(started)
    #expect(outcomes.count == names.count)
    for o in outcomes {
      let said = o.stderr + o.stdout
      #expect(!o.timedOut, "\(o.name) ran for more than \(Self.timeout) s")
      #expect(o.status == 1 || o.status == 2, "\(o.name) ended with status \(o.status)\n\(said)")
      if o.status == 2 {
        #expect(o.stderr.contains("error:"), "\(o.name): status 2 without a diagnostic\n\(said)")
      }
      if o.status == 1 {
        #expect(o.stdout.contains("assertion failed"), "\(o.name): status 1 without a failure")
      }
      #expect(!said.contains("Fatal error") && !said.contains("crashed"), "\(o.name) crashed")
      if let e = expected[o.name] {
        #expect(
          o.status == e.status && said.contains(e.fragment),
          "\(o.name) must end with status \(e.status) saying \"\(e.fragment)\"; it ended with \(o.status):\n\(said.prefix(2000))"
        )
      }
    }
    // Nothing was written outside the current directory, through any of the traps.
    #expect(sandbox.outsideContents() == before)
    let slowest = outcomes.sorted { $0.seconds > $1.seconds }.prefix(5).map {
      "\($0.name) \(String(format: "%.2f", $0.seconds)) s"
    }
    print(
      "hostile corpus: \(outcomes.count) inputs in \(Int(total)) s; slowest: \(slowest.joined(separator: ", "))"
    )
  }

  /// The same inputs' first few under --json: diagnostics are JSON objects on stdout.
  @Test func hostileInputsUnderJSON() throws {
    let sandbox = try Hostile.Sandbox()
    defer { sandbox.remove() }
    let kept = MMUSH.scripts(under: Self.folder).filter {
      $0.contains("/syntax-") || $0.contains("/memory-save")
    }
    for path in kept {
      try FileManager.default.copyItem(
        atPath: MMUSH.root + "/" + path,
        toPath: sandbox.work + "/" + String(path.split(separator: "/").last!))
    }
    let outcomes = Hostile.run(
      kept.map { String($0.split(separator: "/").last!) }, arguments: ["--json"] + Self.arguments,
      in: sandbox.work, timeout: Self.timeout)
    for o in outcomes {
      #expect(o.status == 1 || o.status == 2, "\(o.name) ended with status \(o.status)")
      let lines = o.stdout.split(separator: "\n")
      #expect(lines.contains { $0.contains("\"error\"") || $0.contains("\"failed\"") }, "\(o.name)")
      for line in lines where !line.isEmpty {
        let parsed = try? JSONSerialization.jsonObject(with: Data(line.utf8))
        #expect(parsed != nil, "\(o.name): not JSON: \(line.prefix(200))")
      }
    }
  }
}
