import Foundation

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// QEMU for the live tests: started on 127.0.0.1 with a free gdbstub port and a monitor
/// socket, bounded by `timeout`, and killed by its own PID (QEMU writes it with -pidfile)
/// on every path out of a test.
final class QEMUMachine {
  let port: UInt16
  let directory: String
  let monitorPath: String
  /// The guest's console, when asked for (`serialLog`).
  var serialPath: String { directory + "/serial.log" }
  private let process: Process
  private var qemuPID: pid_t = 0

  /// The first of `names` found on PATH (or in `extra` folders).
  static func executable(_ name: String, extra: [String] = []) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":").map(String.init) + extra {
      let p = dir + "/" + name
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
  }

  static var qemu: String? { executable("qemu-system-aarch64") }

  /// A port nobody listens on now (bound to 0, read back, released).
  static func freePort() throws -> UInt16 {
    let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(s) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(s, $0, len) == 0 && getsockname(s, $0, &len) == 0
      }
    }
    guard ok else { throw POSIXError(.EADDRNOTAVAIL) }
    return UInt16(bigEndian: addr.sin_port)
  }

  /// Starts QEMU (`arguments` after the machine's own: gdbstub, monitor, pidfile), for at
  /// most `seconds`.
  init(qemu: String, arguments: [String], seconds: Int, serialLog: Bool = false) throws {
    port = try Self.freePort()
    directory = NSTemporaryDirectory() + "mmush-live-\(getpid())-\(port)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    monitorPath = directory + "/monitor.sock"
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
    process.arguments =
      ["--kill-after=5", String(seconds), qemu] + arguments + [
        "-nographic", "-gdb", "tcp:127.0.0.1:\(port)",
        "-monitor", "unix:\(monitorPath),server,nowait", "-pidfile", directory + "/qemu.pid",
      ] + (serialLog ? ["-serial", "file:" + serialPath] : [])
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
    process.standardError = FileHandle(forWritingAtPath: "/dev/null")
    try process.run()
  }

  /// Waits (at most `seconds`) until the monitor answers; reads QEMU's PID.
  func waitForMonitor(seconds: Double) throws -> Monitor {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if qemuPID == 0,
        let text = try? String(contentsOfFile: directory + "/qemu.pid", encoding: .utf8),
        let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
      {
        qemuPID = pid
      }
      if qemuPID != 0, let m = try? Monitor(path: monitorPath) { return m }
      guard process.isRunning else { throw QEMUError.exited(process.terminationStatus) }
      usleep(50_000)
    }
    throw QEMUError.noMonitor
  }

  /// Kills QEMU by its PID, then the `timeout` wrapper; removes the folder.
  func kill() {
    if qemuPID != 0 {
      Glibc.kill(qemuPID, SIGKILL)
      qemuPID = 0
    }
    if process.isRunning {
      Glibc.kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
    try? FileManager.default.removeItem(atPath: directory)
  }

  enum QEMUError: Error {
    case exited(Int32)
    case noMonitor
    case monitorTimeout(String)
  }
}

/// QEMU's human monitor over its unix socket: a command, then the text up to the next
/// `(qemu) ` prompt (the echo's terminal escapes are dropped: only lines with content are
/// looked at).
final class Monitor {
  private let fd: Int32

  init(path: String) throws {
    fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in
      for (i, b) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = b }
    }
    let ok = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
      }
    }
    guard ok else {
      close(fd)
      throw POSIXError(.ECONNREFUSED)
    }
    _ = try read()
  }

  deinit { close(fd) }

  private func read(seconds: Double = 10) throws -> String {
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    let prompt = Array("(qemu) ".utf8)
    let deadline = Date().addingTimeInterval(seconds)
    while !(out.count >= prompt.count && Array(out.suffix(prompt.count)) == prompt) {
      guard Date() < deadline else { throw QEMUMachine.QEMUError.monitorTimeout("no prompt") }
      var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&p, 1, 1000) > 0 else { continue }
      let n = recv(fd, &chunk, chunk.count, 0)
      guard n > 0 else { throw QEMUMachine.QEMUError.monitorTimeout("closed") }
      out += chunk[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Runs a command; its output lines (the echoed command and prompt dropped).
  func command(_ text: String, seconds: Double = 10) throws -> [String] {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
    let reply = try read(seconds: seconds)
    return reply.replacingOccurrences(of: "\r", with: "").split(separator: "\n").dropFirst()
      .map(String.init).filter { !$0.hasPrefix("(qemu)") && !$0.isEmpty }
  }

  /// `xp /Ngx PA`: N 64-bit words of guest physical memory.
  func physical(_ pa: UInt64, count: Int) throws -> [UInt64] {
    var words: [UInt64] = []
    for line in try command("xp /\(count)gx 0x\(String(pa, radix: 16))") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      for w in line[line.index(after: colon)...].split(separator: " ") where w.hasPrefix("0x") {
        if let v = UInt64(w.dropFirst(2), radix: 16) { words.append(v) }
      }
    }
    return words
  }

  /// `gva2gpa VA` in the current CPU's regime: the PA, or nil when unmapped.
  func gva2gpa(_ va: UInt64) throws -> UInt64? {
    for line in try command("gva2gpa 0x\(String(va, radix: 16))") where line.hasPrefix("gpa: 0x") {
      return UInt64(line.dropFirst("gpa: 0x".count), radix: 16)
    }
    return nil
  }
}

/// The built `mmush`, beside the test bundle.
enum MMUSH {
  static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  static let binary: String = {
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var dir = exe.deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("mmush").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      dir.deleteLastPathComponent()
    }
    return root + "/.build/debug/mmush"
  }()

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
    /// stdout's JSON objects.
    var objects: [[String: Any]] {
      stdout.split(separator: "\n").compactMap {
        try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
      }
    }
  }

  /// Runs mmush with `arguments` and then, unless nil, `script` written to a file; killed
  /// after `seconds` (by its PID).
  static func run(_ arguments: [String], script: String?, seconds: Double) throws -> Result {
    let dir =
      NSTemporaryDirectory() + "mmush-live-script-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/live.mmu"
    try script?.write(toFile: path, atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = arguments + (script == nil ? [] : [path])
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    p.environment = env
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let pid = p.processIdentifier
    let watchdog = DispatchWorkItem { Glibc.kill(pid, SIGKILL) }
    DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: watchdog)
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    watchdog.cancel()
    return Result(
      status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
      stderr: String(decoding: e, as: UTF8.self))
  }
}
