import MMU
import MMUScript
import MMUShell
import MMUSyntax

/// Keeps events, and words model warnings, view problems, core marker warnings and view
/// targets as the shell does (for `expect` and diagnostics).
final class WordingCollector: ShellWordingSink {
  private(set) var events: [ScriptEvent] = []
  func emit(_ event: ScriptEvent) { events.append(event) }
}

/// Runs source text in a fresh interpreter and keeps what it emitted.
struct Harness {
  let interpreter: Interpreter
  let events: WordingCollector

  init(options: InterpreterOptions = InterpreterOptions()) {
    events = WordingCollector()
    interpreter = Interpreter(options: options, sink: events)
  }

  /// Runs `text`; returns the diagnostic that stopped it, if any.
  @discardableResult
  func run(_ text: String, name: String = "t.mmu") -> Diagnostic? {
    do {
      try interpreter.run(SourceFile(name: name, text: text))
      return nil
    } catch let d as Diagnostic {
      return d
    } catch {
      return Diagnostic.error(
        "\(error)", at: SourceRange(at: SourceLocation(file: name, line: 0, column: 0, offset: 0)))
    }
  }

  /// The text of every `print`/`echo`, one per statement.
  var printed: [String] {
    let f = interpreter.formatter
    return events.events.compactMap {
      switch $0 {
      case .print(let v, _): v.map(f.format).joined(separator: " ")
      case .echo(let s, _): s
      default: nil
      }
    }
  }

  var assertions: [AssertionEvent] {
    events.events.compactMap { if case .assertion(let a) = $0 { a } else { nil } }
  }

  var warnings: [String] {
    events.events.compactMap { if case .warning(let d, _) = $0 { d.message } else { nil } }
  }
}
