import Foundation
import MMUScript
import MMUShell
import MMUSyntax
import MMUTestSupport

/// Scripts run in this process, as a batch run of `mmush` would run them (fast: no process
/// per script), with the package's stdlib on the module path.
enum InProcess {
  struct Output {
    var status: Int32
    var out: String
    var err: String
    /// The runner, for its interpreter's assertion counts.
    var runner: Runner
  }

  /// Runs `source` (text or JSON output), as file `name`.
  static func run(
    _ source: String, name: String = "views.mmu", json: Bool = false, allowWrite: [String] = []
  ) -> Output {
    run(
      files: [SourceFile(name: name, bytes: Array(source.utf8))], json: json, allowWrite: allowWrite
    )
  }

  /// Runs the script at `path` (from the package root); a file that cannot be read runs as
  /// an empty one.
  static func run(file path: String) -> Output {
    let bytes =
      (try? Data(contentsOf: URL(fileURLWithPath: MMUSH.root + "/" + path))).map { [UInt8]($0) }
      ?? []
    return run(files: [SourceFile(name: path, bytes: bytes)])
  }

  /// Runs `files` as one batch (`mmush a.mmu b.mmu`), writes allowed below `allowWrite`, at
  /// most `maxOutput` items printed when given.
  static func run(
    files: [SourceFile], json: Bool = false, allowWrite: [String] = [], maxOutput: Int? = nil
  ) -> Output {
    var options = RunOptions()
    options.json = json
    options.interpreter.modulePaths = [MMUSH.root + "/stdlib"]
    options.interpreter.allowWrite = allowWrite
    if let maxOutput { options.interpreter.maxOutputItems = maxOutput }
    let out = StringOutput()
    let err = StringOutput()
    let runner = Runner(options: options, output: out, errors: err)
    let status = runner.runAll(files)
    return Output(status: status, out: out.text, err: err.text, runner: runner)
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
}
