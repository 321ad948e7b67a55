import MMUScript
import MMUShell
import MMUSyntax

/// Fuzz target 1: arbitrary bytes as a script, through the lexer, the parser, the interpreter
/// and a renderer (text, or JSON for odd-length inputs), with small limits and every file
/// write refused. A fresh runner per input, so inputs never see each other's state.
enum ScriptTarget {
  static let modulePaths = Interpreter.defaultModulePaths(includes: [])

  static func options(json: Bool) -> RunOptions {
    var o = RunOptions()
    o.json = json
    o.interpreter.maxSteps = 100_000
    o.interpreter.maxCallDepth = 64
    o.interpreter.maxMemory = 4 << 20
    o.interpreter.maxOutputItems = 1000
    o.interpreter.forbidWrites = true
    o.interpreter.modulePaths = modulePaths
    return o
  }

  static func run(_ data: [UInt8]) {
    let runner = Runner(
      options: options(json: data.count % 2 == 1), output: NullOutput(), errors: NullOutput())
    _ = runner.runAll([SourceFile(name: "fuzz.mmu", bytes: data)])
  }
}
