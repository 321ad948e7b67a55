import MMU
import MMUScript
import MMUSyntax

/// How a run is configured from the command line.
public struct RunOptions: Sendable {
  public var json = false
  public var quiet = false
  public var color = false
  public var interpreter = InterpreterOptions()
  public init() {}
}

/// Runs scripts in batch mode: renders events, prints diagnostics, and returns the exit
/// status language.md defines: 0 all good, 1 an assertion failed, 2 a diagnostic.
public final class Runner {
  public let interpreter: Interpreter
  let text: TextRenderer?
  let json: JSONRenderer?
  let out: TextOutput
  let err: TextOutput
  public let options: RunOptions

  public init(
    options: RunOptions, output: TextOutput = StreamOutput.standardOutput,
    errors: TextOutput = StreamOutput.standardError
  ) {
    self.options = options
    self.out = output
    self.err = errors
    let sink: EventSink
    if options.json {
      let j = JSONRenderer(output: output)
      json = j
      text = nil
      sink = j
    } else {
      let t = TextRenderer(output: output, style: Style(enabled: options.color))
      t.quiet = options.quiet
      text = t
      json = nil
      sink = t
    }
    interpreter = Interpreter(options: options.interpreter, sink: sink)
    interpreter.describeLiveError = LiveText.describe
    if let t = text {
      let it = interpreter
      t.source = { [unowned it] name in it.sources[name] }
    }
  }

  /// The diagnostic that stopped the last `run`, nil when it completed (the REPL's `:save`
  /// keeps the statements before it).
  public private(set) var lastFailure: Diagnostic?

  /// Runs one source; returns false when a diagnostic stopped it (already reported).
  @discardableResult
  public func run(_ file: SourceFile) -> Bool {
    text?.formatter = interpreter.formatter
    lastFailure = nil
    do {
      try interpreter.run(file)
      return true
    } catch let d as Diagnostic {
      lastFailure = d
      report(d)
      return false
    } catch is StopRun {
      return true
    } catch {
      let d = Diagnostic.error(
        "\(error)",
        at: SourceRange(at: SourceLocation(file: file.name, line: 1, column: 1, offset: 0)))
      lastFailure = d
      report(d)
      return false
    }
  }

  public func report(_ d: Diagnostic) {
    if let json {
      json.diagnostic(d)
      return
    }
    out.flush()
    err.write(
      (text?.style ?? Style(enabled: false)).error(text?.diagnosticText(d) ?? d.description) + "\n")
    err.flush()
  }

  /// Runs every file in order, stopping at the first diagnostic. Prints `N passed, M failed`
  /// when anything was asserted, and returns the exit status.
  public func runAll(_ files: [SourceFile]) -> Int32 {
    var ok = true
    for f in files {
      ok = run(f)
      if !ok { break }
      if interpreter.failed > 0 && options.interpreter.stopOnFailure { break }
    }
    if !endLive(file: files.last?.name ?? "-") { ok = false }
    finish()
    if !ok { return 2 }
    return interpreter.failed > 0 ? 1 : 0
  }

  /// Ends a live session still open when the run ends: the stub's address mode restored
  /// and the guest left running, as `detach` would. False when that failed (reported).
  @discardableResult
  public func endLive(file: String) -> Bool {
    do {
      try interpreter.endLive(
        resume: true,
        range: SourceRange(at: SourceLocation(file: file, line: 1, column: 1, offset: 0)))
      return true
    } catch let d as Diagnostic {
      report(d)
      return false
    } catch {
      return false
    }
  }

  public func finish() {
    let p = interpreter.passed
    let f = interpreter.failed
    if p + f > 0 {
      if let json {
        json.summary(passed: p, failed: f)
      } else {
        out.write("\(p) passed, \(f) failed\n")
      }
    }
    out.flush()
  }
}
