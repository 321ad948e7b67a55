import LineEditor
import MMUScript
import MMUShell
import MMUSyntax

/// The interactive loop (a plain-line version until the readline REPL lands).
struct REPLDriver {
  let options: RunOptions

  func run() -> Int32 {
    let runner = Runner(options: options)
    var buffer = ""
    var n = 0
    while true {
      print(
        buffer.isEmpty
          ? "mmush(cpu\(runner.interpreter.machine.currentCPU) el\(runner.interpreter.machine.cpu.el))> "
          : "... ", terminator: "")
      guard let line = readLine() else { break }
      buffer += line + "\n"
      if needsMoreInput(buffer) { continue }
      n += 1
      runner.run(SourceFile(name: "<repl:\(n)>", text: buffer))
      buffer = ""
    }
    runner.finish()
    return 0
  }
}
