import MMU
import MMUScript
import MMUSyntax

/// How a run is configured from the command line.
public struct RunOptions: Sendable {
  public var json = false
  public var quiet = false
  public var color = false
  public var interpreter = InterpreterOptions()
  /// `--qemu`, `--export-image`, `--qemu-results`.
  public var qemu = QEMUOptions()
  public init() {}
}

/// Runs scripts in batch mode: renders events, prints diagnostics, and returns the exit
/// status reference.md defines: 0 all good, 1 an assertion failed, 2 a diagnostic.
///
/// Each file of a batch runs on a fresh interpreter (machine, TLBs, globals): a file's verdict
/// does not depend on what ran before it. A script that wants shared state `include`s it.
public final class Runner {
  /// The interpreter of the file running now (the REPL keeps one for the whole session).
  public private(set) var interpreter: Interpreter
  let sink: EventSink
  let text: TextRenderer?
  let json: JSONRenderer?
  let out: TextOutput
  let err: TextOutput
  public let options: RunOptions
  /// The QEMU check collecting this run's translations, when one was asked for.
  let qemuSession: QEMUCheckSession?

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
    self.sink = sink
    // One QEMU check for the whole run: it sees every file's fresh machine in turn.
    qemuSession = options.qemu.isActive ? QEMUCheckSession(options: options.qemu) : nil
    interpreter = Interpreter(options: options.interpreter, sink: sink)
    attach()
  }

  /// Asked between statements of every file's interpreter: true stops the run ("interrupted").
  public var shouldInterrupt: () -> Bool = { false } {
    didSet { interpreter.shouldInterrupt = shouldInterrupt }
  }

  /// Points the renderers, the graph view, the QEMU check and live-session wording at the
  /// current interpreter.
  func attach() {
    interpreter.graphSource = DOTText.source
    interpreter.translationObserver = qemuSession
    interpreter.describeLiveError = LiveText.describe
    interpreter.shouldInterrupt = shouldInterrupt
    if let t = text {
      let it = interpreter
      t.source = { [unowned it] name in it.sources[name] }
      t.formatterSource = { [unowned it] in it.formatter }
    }
    json?.formatterSource = { [unowned it = interpreter] in it.formatter }
  }

  /// Assertions of the files run before the current interpreter's.
  var earlierPassed = 0
  var earlierFailed = 0
  /// Assertions that passed and failed in every file so far.
  public var passed: Int { earlierPassed + interpreter.passed }
  public var failed: Int { earlierFailed + interpreter.failed }

  /// Replaces the interpreter with a fresh one (a new machine, no variables), keeping the
  /// assertion totals.
  func startFresh() {
    earlierPassed = passed
    earlierFailed = failed
    interpreter = Interpreter(options: options.interpreter, sink: sink)
    attach()
  }

  /// The diagnostic that stopped the last `run`, nil when it completed (the REPL's `:save`
  /// keeps the statements before it).
  public private(set) var lastFailure: Diagnostic?

  /// Runs one source; returns false when a diagnostic stopped it (already reported).
  @discardableResult
  public func run(_ file: SourceFile) -> Bool {
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

  /// Runs every file in order, each on a fresh machine, stopping at the first diagnostic.
  /// `prelude` (the command line's `-c`) runs on each machine before its file. Prints
  /// `N passed, M failed` over all files when anything was asserted, and returns the exit
  /// status.
  public func runAll(_ files: [SourceFile], prelude: SourceFile? = nil) -> Int32 {
    runAll(files, preludes: prelude.map { [$0] } ?? [])
  }

  /// `runAll` with several sources before each file (`--core`'s `load core`, `--attach`, then
  /// `-c`); a live guest stays halted between files.
  public func runAll(_ files: [SourceFile], preludes: [SourceFile]) -> Int32 {
    var ok = true
    for (i, f) in files.enumerated() {
      if i > 0 {
        ok = endLive(file: files[i - 1].name, resume: false)
        if !ok { break }
        startFresh()
      }
      for prelude in preludes where ok { ok = run(prelude) }
      if !ok { break }
      ok = run(f)
      if !ok { break }
      if failed > 0 && options.interpreter.stopOnFailure { break }
    }
    if !endLive(file: files.last?.name ?? "-") { ok = false }
    finish()
    if !ok { return 2 }
    let status: Int32 = failed > 0 ? 1 : 0
    // The QEMU check runs once the scripts ran through; its status joins theirs.
    if let qemuSession { return max(status, qemuSession.finish(out: out, err: err)) }
    return status
  }

  /// Ends a live session still open when the run ends: the stub's address mode restored
  /// and the guest left running, as `detach` would. False when that failed (reported).
  @discardableResult
  public func endLive(file: String, resume: Bool = true) -> Bool {
    do {
      try interpreter.endLive(
        resume: resume,
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
    let p = passed
    let f = failed
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
