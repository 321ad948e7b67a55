import Foundation
import MMU
import MMUScript
import MMUSyntax
import MMUTestSupport
import Testing

/// Cores of Debian's 6.12 kernels dumped by QEMU (Tests/Fixtures/cores/README.md): loaded
/// with no register typed, every VA QEMU's `gva2gpa` was asked about walks to the same PA, or
/// faults where QEMU said "Unmapped".
@Suite("Real kernel cores")
struct RealCoreTests {
  static let fixtures = MMUSH.root + "/Tests/Fixtures/cores"

  /// Decompresses `name` (an .xz fixture) into `folder` as a sparse file; nil when xz is not
  /// installed (the reason is printed).
  static func decompress(_ name: String, into folder: TemporaryFolder) throws -> String? {
    let out =
      folder.path + "/"
      + (name as NSString).lastPathComponent.replacingOccurrences(
        of: ".xz", with: "")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = [
      "-c",
      "command -v xz >/dev/null || exit 127; xz -dc \"$1\" | dd of=\"$2\" bs=65536 conv=sparse status=none",
      "sh", fixtures + "/" + name, out,
    ]
    try p.run()
    p.waitUntilExit()
    if p.terminationStatus == 127 {
      print("skipped: xz is not installed")
      return nil
    }
    guard p.terminationStatus == 0 else {
      Issue.record("xz -dc \(name) failed with status \(p.terminationStatus)")
      return nil
    }
    return out
  }

  /// QEMU's answers: VA, then a PA or `unmapped`.
  static func answers(_ dir: String, folder: TemporaryFolder) throws -> [(UInt64, UInt64?)]? {
    guard let path = try decompress(dir + "/gva2gpa.txt.xz", into: folder) else { return nil }
    return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
      let f = $0.split(separator: " ")
      let va = UInt64(f[0].dropFirst(2), radix: 16)!
      return (va, f[1] == "unmapped" ? nil : UInt64(f[1].dropFirst(2), radix: 16)!)
    }
  }

  func run(_ it: Interpreter, _ text: String) throws {
    try it.run(SourceFile(name: "t.mmu", text: text))
  }

  @Test(
    "load core, then walk el1 agrees with QEMU's gva2gpa",
    arguments: ["k4-48", "k4-52", "k16-47", "k16-52"])
  func agreesWithQEMU(_ dir: String) throws {
    let folder = try TemporaryFolder("mmush-core")
    guard let core = try Self.decompress(dir + "/core.elf.xz", into: folder),
      let answers = try Self.answers(dir, folder: folder)
    else { return }
    let events = EventCollector()
    let it = Interpreter(sink: events)
    try run(
      it,
      "load core \"\(core)\"\n" + answers.map { "walk el1 \($0.0) notlb" }.joined(separator: "\n"))
    let walks = events.events.compactMap { e -> WalkEvent? in
      if case .walk(let w) = e { w } else { nil }
    }
    #expect(walks.count == answers.count)
    #expect(answers.count > 3000)
    var disagreements = 0
    for (w, (va, pa)) in zip(walks, answers) {
      let got = w.result.outcome.translation?.pa
      if got != pa {
        disagreements += 1
        if disagreements < 5 {
          Issue.record(
            "\(dir) \(String(va, radix: 16)): QEMU \(pa.map { String($0, radix: 16) } ?? "unmapped"), mmush \(got.map { String($0, radix: 16) } ?? "fault")"
          )
        }
      }
    }
    #expect(disagreements == 0)
    // Both answers occur: the comparison covers mapped and unmapped VAs.
    #expect(answers.contains { $0.1 == nil } && answers.contains { $0.1 != nil })
  }

  @Test("the registers each geometry implies, and vmcoreinfo() values as the note says")
  func registersAndValues() throws {
    let expected: [(String, granule: UInt64, t1sz: UInt64, ds: UInt64, voffset: UInt64)] = [
      ("k4-48", 2, 16, 0, 0xffff_8000_3fe0_0000), ("k4-52", 2, 12, 1, 0xffff_8000_3fe0_0000),
      ("k16-47", 1, 17, 0, 0xffff_c000_3fe0_0000), ("k16-52", 1, 12, 1, 0xffff_c000_3fe0_0000),
    ]
    for e in expected {
      let folder = try TemporaryFolder("mmush-core")
      guard let core = try Self.decompress(e.0 + "/core.elf.xz", into: folder) else { return }
      let events = EventCollector()
      let it = Interpreter(sink: events)
      try run(
        it,
        "load core \"\(core)\"\nprint vmcoreinfo(\"kimage_voffset\"), vmcoreinfo(\"OSRELEASE\"), vmcoreinfo(\"swapper_pg_dir\") - vmcoreinfo(\"kimage_voffset\") == ttbr1_el1"
      )
      let tcr = it.machine.cpu.registers[.tcr_el1]
      #expect(bitField(tcr, 31, 30) == e.granule, "\(e.0) TG1")
      #expect(bitField(tcr, 21, 16) == e.t1sz, "\(e.0) T1SZ")
      #expect(bitField(tcr, 59, 59) == e.ds, "\(e.0) DS")
      #expect(it.machine.cpu.registers[.sctlr_el1] & 1 == 1)
      let printed = events.events.compactMap { ev -> [Value]? in
        if case .print(let v, _) = ev { v } else { nil }
      }
      #expect(printed.first?[0] == .hex(e.voffset), "\(e.0) kimage_voffset")
      #expect(printed.first?[2] == .bool(true))
      guard case .string(let release)? = printed.first?[1] else {
        Issue.record("OSRELEASE is not a string")
        continue
      }
      #expect(release.hasPrefix("6.12.118+deb12"))
    }
  }
}
