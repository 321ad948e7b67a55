import Foundation

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// QEMU for the tests: started on 127.0.0.1 with a free gdbstub port and a monitor socket,
/// bounded by `timeout`, and killed by its own PID (QEMU writes it with -pidfile) on every
/// path out of a test.
package final class QEMUMachine {
  package let port: UInt16
  package let directory: String
  package let monitorPath: String
  /// The guest's console, when asked for (`serialLog`).
  package var serialPath: String { directory + "/serial.log" }
  private let process: Process
  private var qemuPID: pid_t = 0

  /// The first `name` found on PATH (or in `extra` folders).
  package static func executable(_ name: String, extra: [String] = []) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":").map(String.init) + extra {
      let p = dir + "/" + name
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
  }

  /// qemu-system-aarch64 on PATH, or nil (its tests then skip, saying so).
  package static var qemu: String? { executable("qemu-system-aarch64") }

  /// A port nobody listens on now.
  package static func freePort() throws -> UInt16 { try LoopbackSocket.freePort() }

  /// Starts QEMU (`arguments` after the machine's own: gdbstub, monitor, pidfile), for at
  /// most `seconds`.
  package init(qemu: String, arguments: [String], seconds: Int, serialLog: Bool = false) throws {
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
  package func waitForMonitor(seconds: Double) throws -> Monitor {
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
  package func kill() {
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

  package enum QEMUError: Error {
    case exited(Int32)
    case noMonitor
    case monitorTimeout(String)
  }
}
