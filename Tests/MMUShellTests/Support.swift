import Foundation
import MMUScript
import MMUShell
import MMUSyntax

/// Paths and helpers shared by the end-to-end tests.
enum Support {
  /// The package root, from this file's location.
  static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// The built `mmush`, beside the test bundle.
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

  /// Every `.mmu` file below a folder of the package, sorted.
  static func scripts(under folder: String) -> [String] {
    let base = root + "/" + folder
    guard let e = FileManager.default.enumerator(atPath: base) else { return [] }
    return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".mmu") }.sorted().map {
      folder + "/" + $0
    }
  }

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs the real binary with arguments and optional standard input, in `directory`.
  static func run(
    _ arguments: [String], stdin: String? = nil, directory: String? = nil,
    environment: [String: String] = [:]
  ) throws -> Result {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = arguments
    p.currentDirectoryURL = URL(fileURLWithPath: directory ?? root)
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
    if let stdin { input.fileHandleForWriting.write(stdin.data(using: .utf8)!) }
    try input.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Result(
      status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
      stderr: String(decoding: e, as: UTF8.self))
  }

  /// Runs a script in-process (fast); returns the runner and what it printed.
  static func runInProcess(path: String) -> (
    status: Int32, output: String, errors: String, runner: Runner
  ) {
    var options = RunOptions()
    options.interpreter.modulePaths = [root + "/stdlib"]
    let out = StringOutput()
    let err = StringOutput()
    let runner = Runner(options: options, output: out, errors: err)
    let bytes =
      (try? Data(contentsOf: URL(fileURLWithPath: root + "/" + path))).map { [UInt8]($0) } ?? []
    let status = runner.runAll([SourceFile(name: path, bytes: bytes)])
    return (status, out.text, err.text, runner)
  }
}
