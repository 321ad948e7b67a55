import MMU
import Testing

@testable import QEMUCheck

#if canImport(Glibc)
  import Glibc
#endif

/// QEMU missing, hanging, crashing or printing the unexpected gives a clear error and no
/// verdict; stand-in "QEMU"s are small shell scripts.
@Suite("QEMU runner failures")
struct RunnerFailureTests {
  static func prepared() throws -> PreparedCheck {
    let q = CheckQuery(
      registers: RegisterFile(), operation: .s1e1r, va: 0x1000, memory: MemorySnapshot())
    return try CheckPlan.prepare([q], qemuVersion: nil)
  }

  /// Writes an executable shell script and returns its path.
  static func fake(_ body: String, in dir: String) throws -> String {
    let path = dir + "/fake-qemu"
    try Files.write(path, Array(("#!/bin/sh\n" + body + "\n").utf8))
    chmod(path, 0o755)
    return path
  }

  @Test func missingBinary() {
    #expect(throws: CheckError.self) { try QEMURunner.locate("/nonexistent/qemu") }
  }

  @Test func hangIsKilledAtTheBound() throws {
    let dir = try Files.temporaryDirectory()
    defer { Files.removeDirectory(dir, files: ["fake-qemu"]) }
    let q = try Self.fake("exec sleep 30", in: dir)
    #expect(throws: CheckError.qemuTimedOut(1)) {
      try QEMURunner.run(try Self.prepared(), binary: q, seconds: 1)
    }
  }

  @Test func crashIsAnError() throws {
    let dir = try Files.temporaryDirectory()
    defer { Files.removeDirectory(dir, files: ["fake-qemu"]) }
    let q = try Self.fake("echo boom >&2; exit 3", in: dir)
    #expect(throws: CheckError.qemuFailed("QEMU exited with status 3", output: "boom\n")) {
      try QEMURunner.run(try Self.prepared(), binary: q, seconds: 20)
    }
  }

  @Test func unexpectedOutputIsAnError() throws {
    let dir = try Files.temporaryDirectory()
    defer { Files.removeDirectory(dir, files: ["fake-qemu"]) }
    let q = try Self.fake("echo hello", in: dir)
    #expect(
      throws: CheckError.qemuFailed(
        "QEMU printed something the check does not expect", output: "hello\n")
    ) {
      try QEMURunner.run(try Self.prepared(), binary: q, seconds: 20)
    }
  }

  @Test func exitWithoutResultsIsAnError() throws {
    let dir = try Files.temporaryDirectory()
    defer { Files.removeDirectory(dir, files: ["fake-qemu"]) }
    let q = try Self.fake("exit 0", in: dir)
    #expect(throws: CheckError.badResults("QEMU exited without writing its results")) {
      try QEMURunner.run(try Self.prepared(), binary: q, seconds: 20)
    }
  }

  @Test func truncatedResultsAreRejected() {
    #expect(throws: CheckError.self) { try QEMUResults(bytes: [1, 2, 3], count: 1) }
  }
}
