import Foundation
import MMUTestSupport
import Testing

/// `mmush --qemu` end to end: the bundled scripts agree with QEMU, a missing QEMU exits 2
/// saying what to install, and an exported check compares through `--qemu-results`.
@Suite("mmush --qemu", .serialized)
struct QEMUEndToEndTests {
  static let qemu = QEMUMachine.qemu

  @Test(arguments: MMUSH.scripts(under: "scripts"))
  func bundledScriptAgrees(_ path: String) throws {
    guard Self.qemu != nil else {
      print("skipped: qemu-system-aarch64 is not installed (apt-get install qemu-system-arm)")
      return
    }
    let r = try MMUSH.run(["--qemu", "--quiet", path])
    #expect(r.status == 0, "\(path) exited \(r.status)\n\(r.stderr)\n\(r.stdout)")
    #expect(r.stdout.contains("qemu: "), "\(path): no QEMU summary\n\(r.stdout)")
    #expect(r.stdout.contains(" 0 differ,"), "\(path):\n\(r.stdout)")
  }

  @Test func missingQEMUExitsTwoSayingWhatToInstall() throws {
    let r = try MMUSH.run(
      ["--qemu", "scripts/tour/smoke-el1-4k-48.mmu"], environment: ["PATH": "/nonexistent"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("apt-get install qemu-system-arm"), "\(r.stderr)")
    let wrong = try MMUSH.run(
      ["--qemu-binary", "/nonexistent/qemu", "scripts/tour/smoke-el1-4k-48.mmu"])
    #expect(wrong.status == 2)
    #expect(wrong.stderr.contains("/nonexistent/qemu is not an executable file"), "\(wrong.stderr)")
  }

  @Test func exportedCheckComparesThroughResults() throws {
    guard let qemu = Self.qemu else {
      print("skipped: qemu-system-aarch64 is not installed (apt-get install qemu-system-arm)")
      return
    }
    let temporary = try TemporaryFolder("mmush-export")
    defer { temporary.remove() }
    let dir = temporary.path + "/export"
    let script = "scripts/tour/smoke-el1-4k-48.mmu"
    let e = try MMUSH.run(["--export-image", dir, "--quiet", script])
    #expect(e.status == 0, "\(e.stderr)")
    for f in ["image.bin", "vectors.bin", "command.txt", "expected.txt"] {
      #expect(FileManager.default.fileExists(atPath: dir + "/" + f), "\(f) missing")
    }
    // Run the exported command line in DIR, bounded, as another machine would.
    let words = try String(contentsOfFile: dir + "/command.txt", encoding: .utf8)
      .split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    let q = try ProcessRunner.run(qemu, Array(words.dropFirst()), directory: dir, seconds: 60)
    #expect(q.status == 0, "\(q.stderr)")
    let r = try MMUSH.run(["--qemu-results", dir + "/results.bin", "--quiet", script])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("qemu: 4 agree, 0 differ"), "\(r.stdout)")
  }
}
