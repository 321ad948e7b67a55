import Foundation
import MMUTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// Runs the real binary on hostile inputs: each in a sandbox folder with a timeout, output to
/// files (an input may print megabytes), two at a time.
enum Hostile {
  struct Outcome: Sendable {
    var name: String
    var status: Int32
    var timedOut: Bool
    var seconds: Double
    /// The first and last 16 KiB of each stream.
    var stdout: String
    var stderr: String
  }

  /// A folder to run scripts in, next to a folder they must never write into:
  ///
  ///     base/work/       the current directory: the inputs, and traps for writes and reads
  ///       fifo             a FIFO (an open that waits for a writer would hang the run)
  ///       dir/  dir/up -> ../../outside     a symlinked folder in the middle of a path
  ///       link-out -> ../outside            a symlinked folder
  ///       dangling -> ../outside/nothing    dangling.dot -> ../outside/nothing.dot
  ///       loop -> loop                      a symlink loop
  ///       hardlink                          a hard link to ../outside/victim
  ///       planted.dot -> ../outside/planted.dot   where `graph "planted.svg"` writes its source
  ///       data.bin (8 KiB), sparse.bin (1 TiB, sparse), big-comments.mmu (1 MB of comments)
  ///     base/outside/victim
  struct Sandbox {
    let base: String
    var work: String { base + "/work" }
    var outside: String { base + "/outside" }

    init() throws {
      let fm = FileManager.default
      base =
        fm.temporaryDirectory.appendingPathComponent("mmush-hostile-\(UUID().uuidString)")
        .path
      try fm.createDirectory(atPath: base + "/work/dir", withIntermediateDirectories: true)
      try fm.createDirectory(atPath: base + "/outside", withIntermediateDirectories: true)
      try "victim\n".write(toFile: outside + "/victim", atomically: false, encoding: .utf8)
      mkfifo(work + "/fifo", 0o600)
      symlink("../../outside", work + "/dir/up")
      symlink("../outside", work + "/link-out")
      symlink("../outside/nothing", work + "/dangling")
      symlink("../outside/nothing.dot", work + "/dangling.dot")
      symlink("loop", work + "/loop")
      symlink("../outside/planted.dot", work + "/planted.dot")
      link(outside + "/victim", work + "/hardlink")
      let data = (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
      _ = fm.createFile(atPath: work + "/data.bin", contents: Data(data))
      _ = fm.createFile(atPath: work + "/sparse.bin", contents: nil)
      truncate(work + "/sparse.bin", 1 << 40)
      let comment = "# " + String(repeating: "x", count: 1000) + "\n"
      try String(repeating: comment, count: 1000).write(
        toFile: work + "/big-comments.mmu", atomically: false, encoding: .utf8)
    }

    func write(_ name: String, _ bytes: [UInt8]) {
      _ = FileManager.default.createFile(atPath: work + "/" + name, contents: Data(bytes))
    }

    /// What the folder outside holds now, each file with its contents.
    func outsideContents() -> [String: String] {
      var out: [String: String] = [:]
      for name in (try? FileManager.default.contentsOfDirectory(atPath: outside)) ?? [] {
        out[name] = (try? String(contentsOfFile: outside + "/" + name, encoding: .utf8)) ?? "?"
      }
      return out
    }

    func remove() { try? FileManager.default.removeItem(atPath: base) }
  }

  /// Runs `mmush ARGS NAME` in `directory` for each name, `workers` at a time.
  static func run(
    _ names: [String], arguments: [String], in directory: String, timeout: Double,
    workers: Int = 2
  ) -> [Outcome] {
    let results = Results(count: names.count)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      var i = worker
      while i < names.count {
        results.set(
          i,
          runOne(names[i], arguments: arguments, in: directory, timeout: timeout, slot: worker))
        i += workers
      }
    }
    return results.all
  }

  final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Outcome?]
    init(count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ o: Outcome) { lock.withLock { items[i] = o } }
    var all: [Outcome] { lock.withLock { items.compactMap { $0 } } }
  }

  static func runOne(
    _ name: String, arguments: [String], in directory: String, timeout: Double, slot: Int
  ) -> Outcome {
    let outPath = directory + "/../out-\(slot)"
    let errPath = directory + "/../err-\(slot)"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: MMUSH.binary)
    p.arguments = arguments + [name]
    p.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    env["SWIFT_BACKTRACE"] = "enable=no"
    p.environment = env
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = FileHandle(forWritingAtPath: outPath)
    p.standardError = FileHandle(forWritingAtPath: errPath)
    let start = Date()
    var timedOut = false
    do { try p.run() } catch {
      return Outcome(
        name: name, status: -1, timedOut: false, seconds: 0, stdout: "",
        stderr: "cannot run \(MMUSH.binary): \(error)")
    }
    while p.isRunning {
      if Date().timeIntervalSince(start) > timeout {
        timedOut = true
        p.terminate()
        p.waitUntilExit()
        break
      }
      usleep(2000)
    }
    p.waitUntilExit()
    return Outcome(
      name: name, status: p.terminationStatus, timedOut: timedOut,
      seconds: Date().timeIntervalSince(start), stdout: excerpt(outPath),
      stderr: excerpt(errPath))
  }

  static func excerpt(_ path: String) -> String {
    guard let h = FileHandle(forReadingAtPath: path) else { return "" }
    defer { try? h.close() }
    let size = (try? h.seekToEnd()) ?? 0
    try? h.seek(toOffset: 0)
    let head = h.readData(ofLength: 16 << 10)
    guard size > 32 << 10 else {
      return String(decoding: h.readDataToEndOfFile() + head, as: UTF8.self)
    }
    try? h.seek(toOffset: size - (16 << 10))
    let tail = h.readDataToEndOfFile()
    return String(decoding: head, as: UTF8.self) + "\n…\n" + String(decoding: tail, as: UTF8.self)
  }
}
