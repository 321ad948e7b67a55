import Foundation
import MMUTestSupport
import Testing

/// The fuzz targets' regression run: the plain build of MMUFuzz replays inputs through the
/// same code the fuzzers drive (Fuzz/run.sh). Every crash input the fuzzers found is kept in
/// Golden/fuzz/TARGET and replayed here, with the seeds, so a fixed crash stays fixed.
@Suite("Fuzz replay")
struct FuzzReplayTests {
  static let replayer = MMUSH.built("MMUFuzz")

  func replay(_ target: String, _ folders: [String]) throws {
    let temporary = try TemporaryFolder("mmush-fuzz-replay")
    defer { temporary.remove() }
    let r = try ProcessRunner.run(
      Self.replayer, ["--target=\(target)"] + folders.map { MMUSH.root + "/" + $0 },
      directory: temporary.path, environment: ["SWIFT_BACKTRACE": "enable=no"])
    let text = r.stdout + r.stderr
    #expect(r.status == 0, "\(target) replay failed:\n\(text.suffix(4000))")
    #expect(text.contains("replayed"), "\(text.suffix(2000))")
    print(text.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  @Test func scriptTargetReplaysSeedsAndCrashes() throws {
    #expect(FileManager.default.isExecutableFile(atPath: Self.replayer), "no \(Self.replayer)")
    try replay(
      "script",
      [
        "scripts", "stdlib", "Tests/MMUShellTests/Golden/e2e",
        "Tests/MMUShellTests/Golden/fuzz/script",
      ])
  }

  @Test func coreTargetReplaysSeedsAndCrashes() throws {
    try replay("core", ["Tests/MMUShellTests/Golden/fuzz/core"])
  }

  @Test func walkerTargetReplaysCrashes() throws {
    try replay("walker", ["Tests/MMUShellTests/Golden/fuzz/walker"])
  }
}
