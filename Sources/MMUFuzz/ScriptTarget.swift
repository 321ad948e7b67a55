import MMU
import MMUScript
import MMUShell
import MMUSyntax

/// Fuzz target 1: arbitrary bytes as a script, through the lexer, the parser, the interpreter
/// and a renderer (text, or JSON for odd-length inputs) writing nowhere, with small limits and
/// every file write refused. A fresh interpreter per input, so inputs never see each other's
/// state. The step limit keeps every input well under libFuzzer's 1 s timeout with ASan on a
/// loaded machine: a loop of `map ... force` costs about 30 µs a step there.
enum ScriptTarget {
  static let modulePaths = Interpreter.defaultModulePaths(includes: [])

  static var options: InterpreterOptions {
    var o = InterpreterOptions()
    o.maxSteps = 10_000
    o.maxCallDepth = 64
    o.maxMemory = 4 << 20
    o.maxOutputItems = 1000
    o.forbidWrites = true
    o.forbidNetwork = true
    o.modulePaths = modulePaths
    return o
  }

  /// Hands the first `limit` events of a run to the renderer and drops the rest, and any
  /// print or echo of a string over 64 KiB: every kind of event is rendered, while a loop
  /// emitting a warning per iteration costs the interpreter's time, not 100,000 renderings
  /// (10 s per input under ASan), and a 1 MiB string is not JSON-quoted a scalar at a time
  /// (300 ms under ASan).
  final class CappedSink: EventSink {
    let next: EventSink
    var left: Int
    init(_ next: EventSink, limit: Int) {
      self.next = next
      self.left = limit
    }
    func message(for warning: ModelWarning, formatter: ValueFormatter) -> String {
      next.message(for: warning, formatter: formatter)
    }
    func message(for problem: ViewProblem, formatter: ValueFormatter) -> String {
      next.message(for: problem, formatter: formatter)
    }
    func message(for warning: CoreMarkerWarning) -> String { next.message(for: warning) }
    func words(for target: ViewTarget) -> String { next.words(for: target) }
    func emit(_ event: ScriptEvent) {
      guard left > 0 else { return }
      switch event {
      case .echo(let text, _) where text.utf8.count > 64 << 10: return
      case .print(let values, _):
        for case .string(let text) in values where text.utf8.count > 64 << 10 { return }
      default: break
      }
      left -= 1
      next.emit(event)
    }
  }

  static func run(_ data: [UInt8]) {
    let json = data.count % 2 == 1
    let text = TextRenderer(output: NullOutput())
    let jsonRenderer = JSONRenderer(output: NullOutput())
    let interpreter = Interpreter(
      options: options, sink: CappedSink(json ? jsonRenderer : text, limit: 256))
    text.source = { [unowned interpreter] name in interpreter.sources[name] }
    do {
      try interpreter.run(SourceFile(name: "fuzz.mmu", bytes: data))
    } catch let d as Diagnostic {
      if json { jsonRenderer.diagnostic(d) } else { _ = text.diagnosticText(d) }
    } catch {}
  }
}
