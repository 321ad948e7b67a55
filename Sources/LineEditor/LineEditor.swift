@preconcurrency import CReadline

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// How lines are read: GNU readline on a terminal, plain `getline` otherwise (no prompt, no
/// editing), so that piped input behaves like a script.
public enum LineEditorMode: Sendable {
  case readline, plain
}

/// What one read produced.
public enum LineInput: Equatable, Sendable {
  /// A line, without its newline.
  case line(String)
  /// Ctrl-C while typing: the line was abandoned.
  case interrupted
  /// Ctrl-D on an empty line, or the end of the input.
  case end
}

/// The line being completed, as readline splits it.
public struct CompletionRequest: Sendable, Equatable {
  /// The whole line being edited.
  public var line: String
  /// UTF-8 offsets of the word to complete: `line.utf8[start..<end]`. Inside quotes the word
  /// starts after the opening quote.
  public var start: Int
  public var end: Int

  public init(line: String, start: Int, end: Int) {
    self.line = line
    self.start = start
    self.end = end
  }

  /// The text of the word being completed.
  public var word: String {
    let bytes = Array(line.utf8)
    let s = min(max(start, 0), bytes.count)
    let e = min(max(end, s), bytes.count)
    return String(decoding: bytes[s..<e], as: UTF8.self)
  }
}

/// Candidates for the word of a request, each a full replacement of that word.
public typealias CompletionProvider = (CompletionRequest) -> [String]

/// A line editor over GNU readline: editing, history kept in a file (mode 0600, bounded),
/// language-aware completion through a callback, and Ctrl-C that abandons the line.
///
/// readline is one global state machine, so only one `LineEditor` should be reading at a
/// time, on one thread.
public final class LineEditor {
  public let mode: LineEditorMode
  public let historyPath: String?
  public let historyLimit: Int
  /// History of a plain-mode session (readline keeps its own).
  var plainHistory: [String] = []

  /// Characters that end the word being completed, when the caller gives none: readline's
  /// own default.
  public static let defaultWordBreakCharacters = " \t\n\"\\'`@$><=;|&{("

  public init(
    mode: LineEditorMode? = nil, historyPath: String? = nil, historyLimit: Int = 1000,
    wordBreakCharacters: String = LineEditor.defaultWordBreakCharacters,
    quoteCharacters: String = "\""
  ) {
    self.mode = mode ?? (isatty(STDIN_FILENO) == 1 ? .readline : .plain)
    self.historyPath = historyPath
    self.historyLimit = max(1, historyLimit)
    guard self.mode == .readline else { return }
    // readline keeps these pointers: give it copies that live for the whole process.
    rl_readline_name = UnsafePointer(strdup("mmush"))
    rl_completer_word_break_characters = UnsafePointer(strdup(wordBreakCharacters))
    rl_completer_quote_characters = UnsafePointer(strdup(quoteCharacters))
    rl_attempted_completion_function = attemptedCompletion
    // Ctrl-C is ours: readline must not turn it into a kill (see `readLine`).
    rl_catch_signals = 0
    WindowSize.watch()
    using_history()
    stifle_history(Int32(clamping: self.historyLimit))
    // A block typed over several lines is one entry: in the file, a timestamp line (`#` and
    // the time) starts each entry and the lines up to the next one belong to it.
    history_comment_char = CChar(UInt8(ascii: "#"))
    history_write_timestamps = 1
    if let historyPath, HistoryFile.prepare(historyPath) {
      let stamped = Self.startsWithTimestamp(historyPath)
      history_multiline_entries = stamped ? 1 : 0
      _ = read_history(historyPath)
      if !stamped && history_length > 0 {
        // A file of one line an entry (an older mmush): re-add each line so that it gets a
        // timestamp, and rewrite the file in the stamped form.
        let lines = history
        clear_history()
        for line in lines { add_history(line) }
        _ = write_history(historyPath)
      }
    }
    history_multiline_entries = 1
  }

  /// Whether the history file's first line is a readline timestamp (`#` and digits).
  static func startsWithTimestamp(_ path: String) -> Bool {
    guard let f = fopen(path, "r") else { return false }
    defer { fclose(f) }
    var first = [UInt8]()
    while first.count < 32 {
      let c = fgetc(f)
      if c == EOF || c == 10 { break }
      first.append(UInt8(truncatingIfNeeded: c))
    }
    return first.count > 1 && first[0] == UInt8(ascii: "#")
      && first.dropFirst().allSatisfy { (48...57).contains($0) }
  }

  /// Called for Tab; nil offers nothing (readline's file-name completion is never used).
  public var completion: CompletionProvider? {
    get { readlineState.completion }
    set { readlineState.completion = newValue }
  }

  /// Reads one line. In readline mode `prompt` is shown and the line can be edited; in plain
  /// mode nothing is printed.
  public func readLine(prompt: String) -> LineInput {
    fflush(stdout)
    switch mode {
    case .plain: return readPlainLine()
    case .readline: return readEditedLine(prompt: prompt)
    }
  }

  func readPlainLine() -> LineInput {
    var pointer: UnsafeMutablePointer<CChar>?
    var capacity = 0
    defer { free(pointer) }
    while true {
      errno = 0
      let n = getline(&pointer, &capacity, stdin)
      if n >= 0, let pointer {
        var bytes = Array(UnsafeBufferPointer(start: pointer, count: n)).map {
          UInt8(bitPattern: $0)
        }
        if bytes.last == 0x0A { bytes.removeLast() }
        return .line(String(decoding: bytes, as: UTF8.self))
      }
      if errno == EINTR {
        clearerr(stdin)
        if Interrupt.take() { return .interrupted }
        continue
      }
      return .end
    }
  }

  /// readline's callback interface, driven by `poll`: a blocking `readline()` cannot be left
  /// when Ctrl-C arrives, but `poll` returns `EINTR`, after which the line state is cleaned
  /// up as readline's documentation prescribes (the same sequence CPython uses).
  func readEditedLine(prompt: String) -> LineInput {
    _ = Interrupt.take()  // a Ctrl-C from before this prompt is stale
    readlineState.finished = false
    readlineState.line = nil
    rl_callback_handler_install(prompt, lineHandler)
    while !readlineState.finished {
      if Interrupt.take() {
        // Show `^C` after the abandoned text and leave the cursor on a fresh line, before
        // the terminal is restored (restoring it may return the cursor to column 0).
        rl_point = rl_end
        rl_redisplay()
        fputs("^C", rl_outstream ?? stdout)
        _ = rl_crlf()
        fflush(rl_outstream ?? stdout)
        rl_free_line_state()
        rl_callback_sigcleanup()
        rl_cleanup_after_signal()
        rl_callback_handler_remove()
        return .interrupted
      }
      var descriptor = pollfd(fd: fileno(stdin), events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, -1)
      if ready < 0 {
        guard errno == EINTR else {
          rl_callback_handler_remove()
          return .end
        }
        // Ctrl-C is checked at the top of the loop; a resized window is redrawn now.
        if WindowSize.takeChange() { rl_resize_terminal() }
        continue
      }
      rl_callback_read_char()
    }
    guard let line = readlineState.line else { return .end }
    return .line(line)
  }

  /// Adds a line to the history (blank lines and repeats of the last entry are skipped) and
  /// appends it to the history file at once, so a crash loses nothing.
  public func addHistory(_ line: String) {
    guard !line.allSatisfy(\.isWhitespace) else { return }
    guard history.last != line else { return }
    switch mode {
    case .plain:
      plainHistory.append(line)
      if plainHistory.count > historyLimit { plainHistory.removeFirst() }
    case .readline:
      add_history(line)
      if let historyPath, HistoryFile.prepare(historyPath) {
        _ = append_history(1, historyPath)
      }
    }
  }

  /// The history, oldest first.
  public var history: [String] {
    guard mode == .readline else { return plainHistory }
    var lines: [String] = []
    let count = Int(history_length)
    for i in 0..<count {
      if let entry = history_get(history_base + Int32(i)), let text = entry.pointee.line {
        lines.append(String(cString: text))
      }
    }
    return lines
  }

  /// Bounds the history file to `historyLimit` entries and keeps its mode at 0600. Call before
  /// exit: the editor is usually a global, whose deinit never runs.
  public func close() {
    guard mode == .readline, let historyPath else { return }
    _ = history_truncate_file(historyPath, Int32(clamping: historyLimit))
    chmod(historyPath, 0o600)
  }
}

/// readline calls back into plain C functions; their state lives here. readline is used from
/// one thread only, which is what makes the unchecked sendability sound.
final class ReadlineState: @unchecked Sendable {
  var completion: CompletionProvider?
  var matches: [String] = []
  var finished = false
  var line: String?
}

let readlineState = ReadlineState()

/// rl_vcpfunc_t: a complete line (or NULL at end of input).
private func lineHandler(_ raw: UnsafeMutablePointer<CChar>?) {
  readlineState.finished = true
  if let raw {
    readlineState.line = String(cString: raw)
    free(raw)
  } else {
    readlineState.line = nil
  }
  rl_callback_handler_remove()
}

/// rl_compentry_func_t: hands out the prepared matches one by one, malloc'd.
private func completionGenerator(_ text: UnsafePointer<CChar>?, _ state: Int32)
  -> UnsafeMutablePointer<CChar>?
{
  guard !readlineState.matches.isEmpty else { return nil }
  return strdup(readlineState.matches.removeFirst())
}

/// rl_completion_func_t: asks the provider, never falls back to file names.
private func attemptedCompletion(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32)
  -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
{
  rl_attempted_completion_over = 1
  guard let provider = readlineState.completion, let buffer = rl_line_buffer else { return nil }
  let length = Int(max(rl_end, 0))
  let bytes = UnsafeRawBufferPointer(start: buffer, count: length)
  let line = String(decoding: bytes, as: UTF8.self)
  let request = CompletionRequest(line: line, start: Int(start), end: Int(end))
  var matches: [String] = []
  for m in provider(request) where !matches.contains(m) { matches.append(m) }
  guard !matches.isEmpty else { return nil }
  // A folder: let the user go on typing inside it, with no space and no closing quote.
  if matches.count == 1, matches[0].hasSuffix("/") {
    rl_completion_suppress_append = 1
    rl_completion_suppress_quote = 1
  }
  readlineState.matches = matches
  return rl_completion_matches(text, completionGenerator)
}
