import Foundation
import MMUTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Where `mem save` and `graph` may write: beneath the current directory, never out of it
/// through `..`, an absolute path or a symlink (at the end of the path or in the middle),
/// unless `--allow-write DIR` allows the folder it leads to.
@Suite("Write policy")
struct WritePolicyTests {
  /// base/work (the current directory) and base/outside, with symlinks from one to the other.
  struct Folders {
    let base: String
    var work: String { base + "/work" }
    var outside: String { base + "/outside" }

    init() throws {
      base =
        FileManager.default.temporaryDirectory
        .appendingPathComponent("mmush-policy-\(UUID().uuidString)").path
      try FileManager.default.createDirectory(
        atPath: base + "/work/sub", withIntermediateDirectories: true)
      try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
      symlink("../outside", work + "/link-out")
      symlink("../../outside", work + "/sub/up")
      try "old\n".write(toFile: outside + "/existing.bin", atomically: false, encoding: .utf8)
      symlink("../outside/existing.bin", work + "/file-link.bin")
      symlink("../outside/nothing.bin", work + "/dangling.bin")
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
    func size(_ path: String) -> Int {
      ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? -1
    }
    func remove() { try? FileManager.default.removeItem(atPath: base) }
  }

  func save(_ path: String, in f: Folders, allow: [String] = []) throws -> MMUSH.Result {
    let flags = allow.flatMap { ["--allow-write", $0] }
    return try MMUSH.run(
      flags + ["-c", "mem write 0x1000 = 0x1234\nmem save 0x1000 size 4k \"\(path)\""],
      directory: f.work)
  }

  /// Each way out, and where it would land.
  func attacks(_ f: Folders) -> [(path: String, lands: String)] {
    [
      ("../outside/dotdot.bin", f.outside + "/dotdot.bin"),
      (f.outside + "/absolute.bin", f.outside + "/absolute.bin"),
      ("link-out/through-dir.bin", f.outside + "/through-dir.bin"),
      ("sub/up/middle.bin", f.outside + "/middle.bin"),
      ("sub/../../outside/dotdot-inside.bin", f.outside + "/dotdot-inside.bin"),
      ("file-link.bin", f.outside + "/existing.bin"),
    ]
  }

  @Test func refusesEveryWayOutByDefault() throws {
    let f = try Folders()
    defer { f.remove() }
    for (path, lands) in attacks(f) {
      let r = try save(path, in: f)
      #expect(r.status == 2, "\(path): \(r.stderr)")
      #expect(r.stderr.contains("refusing to write"), "\(path): \(r.stderr)")
      #expect(r.stderr.contains("--allow-write"), "\(path): no hint")
      if lands.hasSuffix("existing.bin") {
        #expect(f.size(lands) == 4, "\(path) changed the file outside")
      } else {
        #expect(!f.exists(lands), "\(path) wrote \(lands)")
      }
    }
    let tmp = try save("/tmp/x", in: f)
    #expect(tmp.status == 2 && tmp.stderr.contains("refusing to write '/tmp/x'"))
    let dangling = try save("dangling.bin", in: f)
    #expect(dangling.status == 2 && dangling.stderr.contains("symbolic link to nothing"))
    #expect(!f.exists(f.outside + "/nothing.bin"))
    let parent = try save("../x.bin", in: f)
    #expect(parent.status == 2 && !f.exists(f.base + "/x.bin"))
  }

  @Test func allowWriteOpensTheFolder() throws {
    let f = try Folders()
    defer { f.remove() }
    for allow in [["../outside"], [f.outside]] {
      for (path, lands) in attacks(f) {
        try? FileManager.default.removeItem(atPath: lands)
        if lands.hasSuffix("existing.bin") {
          try "old\n".write(toFile: lands, atomically: false, encoding: .utf8)
        }
        let r = try save(path, in: f, allow: allow)
        #expect(r.status == 0, "\(path) with --allow-write \(allow[0]): \(r.stderr)")
        #expect(f.size(lands) == 4096, "\(path) did not land in \(lands)")
      }
    }
    // --allow-write opens only the folder named: its parent stays closed.
    let r = try save("../x.bin", in: f, allow: ["../outside"])
    #expect(r.status == 2 && !f.exists(f.base + "/x.bin"))
  }

  @Test func writesBeneathTheCurrentDirectoryAreAllowed() throws {
    let f = try Folders()
    defer { f.remove() }
    for path in ["plain.bin", "sub/nested.bin", "./dot.bin", f.work + "/absolute-inside.bin"] {
      let r = try save(path, in: f)
      #expect(r.status == 0, "\(path): \(r.stderr)")
    }
    #expect(f.size(f.work + "/sub/nested.bin") == 4096)
  }

  @Test func refusesWhatThePathCheckCannotSee() throws {
    let f = try Folders()
    defer { f.remove() }
    // A hard link to a file outside: truncating it would change that file.
    link(f.outside + "/existing.bin", f.work + "/hard.bin")
    let hard = try save("hard.bin", in: f)
    #expect(hard.status == 2 && hard.stderr.contains("hard links"), "\(hard.stderr)")
    #expect(f.size(f.outside + "/existing.bin") == 4)
    // A FIFO: opening it for writing would wait for a reader.
    mkfifo(f.work + "/fifo", 0o600)
    let fifo = try save("fifo", in: f)
    #expect(fifo.status == 2 && fifo.stderr.contains("not a regular file"), "\(fifo.stderr)")
    for bad in ["", ".", "..", "sub/", "nosuchdir/x.bin"] {
      let r = try save(bad, in: f)
      #expect(r.status == 2 && r.stderr.contains("error:"), "'\(bad)': \(r.stderr)")
    }
  }

  @Test func graphFollowsThePolicyForItsSourceToo() throws {
    let f = try Folders()
    defer { f.remove() }
    let space = "space k\nmap k 0 -> 0 size 4k\n"
    let out = try MMUSH.run(["-c", space + "graph k \"../outside/k.dot\""], directory: f.work)
    #expect(out.status == 2 && out.stderr.contains("refusing to write"))
    #expect(!f.exists(f.outside + "/k.dot"))
    // `graph "x.svg"` also writes x.dot beside it: a symlink planted there is not followed.
    symlink("../outside/planted.dot", f.work + "/planted.dot")
    let planted = try MMUSH.run(
      ["-c", space + "graph k \"planted.svg\""], directory: f.work,
      environment: ["MMUSH_DOT": "/nonexistent"])
    #expect(planted.status == 2 && planted.stderr.contains("symbolic link"), "\(planted.stderr)")
    #expect(!f.exists(f.outside + "/planted.dot"))
    let allowed = try MMUSH.run(
      ["--allow-write", f.outside, "-c", space + "graph k \"../outside/k.dot\""],
      directory: f.work)
    #expect(allowed.status == 0, "\(allowed.stderr)")
    #expect(f.exists(f.outside + "/k.dot"))
  }
}
