import LineEditor
import MMULive
import MMUScript
import MMUShell
import MMUSyntax

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// The interactive loop: one live interpreter, GNU readline for input (history, completion,
/// Ctrl-C), multi-line input until a statement is complete, and the `:` commands.
///
/// Each complete input is a source named `<repl:N>`, registered with the interpreter so that
/// a diagnostic shows its line with a caret; the REPL then carries on.
final class REPLDriver {
  let options: RunOptions
  let runner: Runner
  let editor: LineEditor
  let style: Style
  var transcript = REPLTranscript()
  var inputCount = 0
  /// Sources run before the first prompt (`--core`); a failure ends the REPL with status 2.
  let prelude: [SourceFile]

  init(options: RunOptions, editor: LineEditor? = nil, prelude: [SourceFile] = []) {
    self.options = options
    self.prelude = prelude
    self.runner = Runner(options: options)
    self.style = Style(enabled: options.color)
    self.editor =
      editor
      ?? LineEditor(
        historyPath: HistoryFile.defaultPath(),
        wordBreakCharacters: REPLCompleter.wordBreakCharacters)
  }

  /// The prompt says where statements run: `mmush(cpu0 el1)> `.
  var prompt: String {
    let machine = runner.interpreter.machine
    return "mmush(cpu\(machine.currentCPU) el\(machine.cpu.el))> "
  }

  static let continuationPrompt = "...> "

  /// Runs until `:quit`, Ctrl-D or the end of input; returns the exit status (0).
  func run(first: SourceFile? = nil) -> Int32 {
    Interrupt.install()
    // A Ctrl-C while a live stub is awaited stops the wait (and the statement).
    RSPConnection.shouldStop = { Interrupt.take() }
    defer { Interrupt.uninstall() }
    runner.interpreter.shouldInterrupt = {
      guard Interrupt.take() else { return false }
      // The terminal echoed `^C`; the error goes on the next line.
      fputs("\n", stdout)
      fflush(stdout)
      return true
    }
    let interpreter = runner.interpreter
    for file in prelude where !runner.run(file) { return 2 }
    editor.completion = { request in
      REPLCompleter(snapshot: CompletionSnapshot(interpreter))
        .complete(line: request.line, start: request.start, end: request.end)
    }
    if editor.mode == .readline {
      say("mmush: an AArch64 MMU model. `help` lists the commands; Ctrl-D leaves.")
    }
    if let first { execute(first) }
    var buffer = ""
    loop: while true {
      switch editor.readLine(prompt: buffer.isEmpty ? prompt : Self.continuationPrompt) {
      case .end:
        if editor.mode == .readline { say("") }
        if !buffer.isEmpty { complain("unfinished input dropped") }
        break loop
      case .interrupted:
        buffer = ""
      case .line(let line):
        if buffer.isEmpty, let command = REPLCommand(line) {
          editor.addHistory(line)
          if perform(command) { continue } else { break loop }
        }
        buffer += line + "\n"
        if needsMoreInput(buffer) { continue }
        let text = buffer
        buffer = ""
        // The whole input is one history entry, so Up recalls a block as it was typed.
        editor.addHistory(String(text.dropLast()))
        if text.allSatisfy(\.isWhitespace) { continue }
        inputCount += 1
        execute(SourceFile(name: "<repl:\(inputCount)>", text: text))
      }
    }
    // Leaving with a live session open detaches it (address mode restored, guest running).
    runner.endLive(file: "<repl>")
    runner.finish()
    editor.close()
    return 0
  }

  /// Runs one source in the session and records what completed for `:save`.
  /// A Ctrl-C pressed after Enter but before the run starts still stops it (the line editor
  /// drops a stale one when it starts reading).
  func execute(_ file: SourceFile, label: String? = nil) {
    runner.run(file)
    transcript.record(file, failure: runner.lastFailure, label: label)
  }

  /// Performs a REPL command; false ends the session.
  func perform(_ command: REPLCommand) -> Bool {
    switch command {
    case .help(let topic):
      guard let topic else {
        say(REPLHelp.overview())
        return true
      }
      if let t = REPLHelp.topic(named: topic) {
        say(REPLHelp.text(for: t))
      } else {
        complain(REPLHelp.unknown(topic))
      }
    case .load(let path):
      load(path)
    case .reset:
      runner.interpreter.resetMachine()
      transcript.record(statement: "reset")
      say("a fresh machine; variables and procedures are kept")
    case .save(let path):
      save(path)
    case .history(let count):
      let lines = editor.history
      let shown = count.map { min($0, lines.count) } ?? lines.count
      for (i, line) in lines.enumerated().suffix(shown) {
        let number = String(repeating: " ", count: max(0, 5 - String(i + 1).count)) + "\(i + 1)  "
        say(
          number
            + line.split(separator: "\n", omittingEmptySubsequences: false).joined(
              separator: "\n       "))
      }
    case .quit:
      return false
    case .invalid(let message):
      complain(message)
    }
    return true
  }

  func load(_ path: String) {
    guard let bytes = readFile(path) else { return }
    execute(SourceFile(name: path, bytes: bytes), label: ":load \(path)")
  }

  func save(_ path: String) {
    let here = SourceRange(at: SourceLocation(file: ":save", line: 1, column: 1, offset: 0))
    do {
      try runner.interpreter.writeSessionFile(path, Array(transcript.script.utf8), range: here)
    } catch let d as Diagnostic {
      complain(d.message + (d.hint.map { "\nhint: " + $0 } ?? ""))
      return
    } catch {
      complain("\(error)")
      return
    }
    let n = transcript.count
    say("saved \(n) input\(n == 1 ? "" : "s") to \(path)")
  }

  func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else {
      complain("cannot read \(path): \(String(cString: strerror(errno)))")
      return nil
    }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, f) }
      if n > 0 { out.append(contentsOf: buffer[0..<n]) }
      if n < 65536 { break }
    }
    if ferror(f) != 0 {
      complain("cannot read \(path): \(String(cString: strerror(errno)))")
      return nil
    }
    return out
  }

  /// A line to standard output.
  func say(_ text: String) {
    fflush(stderr)
    var t = text + "\n"
    t.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, stdout) }
    fflush(stdout)
  }

  /// An error of the REPL itself, to standard error.
  func complain(_ text: String) {
    fflush(stdout)
    var t = style.error("error:") + " " + text + "\n"
    t.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, stderr) }
    fflush(stderr)
  }
}
