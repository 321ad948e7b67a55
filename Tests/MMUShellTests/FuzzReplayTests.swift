import Foundation
import Testing

/// The fuzz targets' regression run: the plain build of MMUFuzz replays inputs through the
/// same code the fuzzers drive (Fuzz/run.sh). Every crash input the fuzzers found is kept in
/// Golden/fuzz/TARGET and replayed here, with the seeds, so a fixed crash stays fixed.
@Suite("Fuzz replay")
struct FuzzReplayTests {
  static var replayer: String {
    URL(fileURLWithPath: Support.binary).deletingLastPathComponent()
      .appendingPathComponent("MMUFuzz").path
  }

  func replay(_ target: String, _ folders: [String]) throws {
    let work = FileManager.default.temporaryDirectory
      .appendingPathComponent("mmush-fuzz-replay-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: work) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: Self.replayer)
    p.arguments = ["--target=\(target)"] + folders.map { Support.root + "/" + $0 }
    p.currentDirectoryURL = URL(fileURLWithPath: work)
    var env = ProcessInfo.processInfo.environment
    env["SWIFT_BACKTRACE"] = "enable=no"
    p.environment = env
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "\(target) replay failed:\n\(text.suffix(4000))")
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
