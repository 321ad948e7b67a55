import Foundation
import MMUScript
import MMUShell
import MMUSyntax
import Testing

/// Running scripts for the view tests, and golden files under Golden/views/.
///
/// Goldens are compared byte for byte. To regenerate them after a deliberate change, run
/// `MMUSH_UPDATE_GOLDEN=1 swift test --filter Views` and review the diff by hand: every
/// number in them is derived from the architecture in the comments of the `.mmu` beside each.
enum ViewsSupport {
  /// The package root, from this file's location.
  static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  static let goldenDirectory = root + "/Tests/MMUShellTests/Golden/views"

  static var updating: Bool { ProcessInfo.processInfo.environment["MMUSH_UPDATE_GOLDEN"] == "1" }

  struct Output {
    var status: Int32
    var out: String
    var err: String
  }

  /// Runs `source` as a batch run would (text or JSON), in process.
  static func run(
    _ source: String, name: String = "views.mmu", json: Bool = false, allowWrite: [String] = []
  ) -> Output {
    var options = RunOptions()
    options.json = json
    options.interpreter.modulePaths = [root + "/stdlib"]
    options.interpreter.allowWrite = allowWrite
    let out = StringOutput()
    let err = StringOutput()
    let runner = Runner(options: options, output: out, errors: err)
    let status = runner.runAll([SourceFile(name: name, bytes: Array(source.utf8))])
    return Output(status: status, out: out.text, err: err.text)
  }

  /// Runs `source` with a text renderer of a given terminal width.
  static func runText(_ source: String, width: Int?) throws -> String {
    let out = StringOutput()
    let renderer = TextRenderer(output: out)
    renderer.width = width
    let interpreter = Interpreter(sink: renderer)
    renderer.formatter = interpreter.formatter
    try interpreter.run(SourceFile(name: "width.mmu", bytes: Array(source.utf8)))
    return out.text
  }

  static func read(_ path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return String(decoding: data, as: UTF8.self)
  }

  /// Compares `actual` with the golden file byte for byte (or rewrites it when updating).
  static func expectGolden(
    _ name: String, _ actual: String, directory: String = goldenDirectory,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    let path = directory + "/" + name
    if updating {
      FileManager.default.createFile(atPath: path, contents: Data(actual.utf8))
      return
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      Issue.record(
        "missing golden \(path): run with MMUSH_UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
      return
    }
    let expected = [UInt8](data)
    let got = Array(actual.utf8)
    guard expected != got else { return }
    // The first differing line, to make the failure readable.
    let e = String(decoding: expected, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false)
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var i = 0
    while i < min(e.count, a.count) && e[i] == a[i] { i += 1 }
    let want = i < e.count ? String(e[i]) : "<end of file>"
    let have = i < a.count ? String(a[i]) : "<end of output>"
    Issue.record(
      "\(name) differs at line \(i + 1):\n  golden: \(want)\n  actual: \(have)\n(regenerate with MMUSH_UPDATE_GOLDEN=1 after checking the change)",
      sourceLocation: sourceLocation)
  }
}
