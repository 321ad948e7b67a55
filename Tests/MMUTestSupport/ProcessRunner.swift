import Foundation

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// What a finished process printed and how it ended.
package struct ProcessResult {
  package var status: Int32
  package var stdout: String
  package var stderr: String

  /// stdout's lines that are JSON objects (mmush --json prints one a line).
  package var objects: [[String: Any]] {
    stdout.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }
}

/// Runs a program to its end for a test: its output captured, NO_COLOR set, and, when given
/// `seconds`, killed by its own PID once they have passed, so that no test waits forever.
package enum ProcessRunner {
  /// Runs `executable` with `arguments` in `directory`, `stdin` (when given) on its standard
  /// input and `environment` over the test's own.
  package static func run(
    _ executable: String, _ arguments: [String], stdin: String? = nil, directory: String,
    environment: [String: String] = [:], seconds: Double? = nil
  ) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    p.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = input
    try p.run()
    let watchdog = seconds.map { seconds in
      let pid = p.processIdentifier
      let item = DispatchWorkItem { _ = Glibc.kill(pid, SIGKILL) }
      DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: item)
      return item
    }
    defer { watchdog?.cancel() }
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return ProcessResult(
      status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
      stderr: String(decoding: e, as: UTF8.self))
  }
}
