import Foundation

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// The package's root folder and the built `mmush`, for the tests of every target.
package enum MMUSH {
  /// The package root, from this file's location (Tests/MMUTestSupport/MMUSH.swift).
  package static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// The built `mmush`, beside the test bundle (or in .build/debug).
  package static let binary: String = built("mmush")

  /// An executable product of the package (`mmush`, `MMUFuzz`) from the build folder the
  /// test bundle runs from, found by walking up from the bundle.
  package static func built(_ name: String) -> String {
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var dir = exe.deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent(name).path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      dir.deleteLastPathComponent()
    }
    return root + "/.build/debug/" + name
  }

  /// Every `.mmu` file below a folder of the package, sorted, as paths from the root.
  package static func scripts(under folder: String) -> [String] {
    let base = root + "/" + folder
    guard let e = FileManager.default.enumerator(atPath: base) else { return [] }
    return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".mmu") }.sorted().map {
      folder + "/" + $0
    }
  }

  package typealias Result = ProcessResult

  /// Runs `mmush ARGUMENTS` in `directory` (the package root when nil), with `stdin` on its
  /// standard input; killed after `seconds` when given.
  package static func run(
    _ arguments: [String], stdin: String? = nil, directory: String? = nil,
    environment: [String: String] = [:], seconds: Double? = nil
  ) throws -> Result {
    try ProcessRunner.run(
      binary, arguments, stdin: stdin, directory: directory ?? root, environment: environment,
      seconds: seconds)
  }

  /// Runs `mmush ARGUMENTS FILE` on `script` written to a file of its own, killed after
  /// `seconds` (by its PID).
  package static func run(_ arguments: [String], script: String, seconds: Double) throws -> Result {
    let folder = try TemporaryFolder("mmush-script")
    defer { folder.remove() }
    let path = folder.path + "/script.mmu"
    try script.write(toFile: path, atomically: true, encoding: .utf8)
    return try run(arguments + [path], seconds: seconds)
  }
}
