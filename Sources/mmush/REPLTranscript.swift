import MMUSyntax

/// The statements of a session that ran, in order: what `:save` writes so that `mmush FILE`
/// replays the session (the bug-report workflow).
///
/// An input that stopped with an error keeps the top-level statements that completed before
/// the failing one (an error means its statement did not happen); a syntax error keeps
/// nothing, since nothing ran. A failed assertion is not an error: its statement is kept.
struct REPLTranscript {
  private(set) var chunks: [String] = []

  /// Records a source that ran; `failure` is the diagnostic that stopped it, if any.
  mutating func record(_ file: SourceFile, failure: Diagnostic?, label: String? = nil) {
    let kept = Self.completedText(of: file, failure: failure)
    guard !kept.allSatisfy(\.isWhitespace) else { return }
    var chunk = label.map { "# \($0)\n" } ?? ""
    chunk += kept.hasSuffix("\n") ? kept : kept + "\n"
    chunks.append(chunk)
  }

  /// Records a statement the REPL performed itself (`:reset` is `reset`).
  mutating func record(statement: String) {
    chunks.append(statement + "\n")
  }

  /// The number of recorded chunks.
  var count: Int { chunks.count }

  /// The script `:save` writes.
  var script: String {
    "# An mmush session, saved with :save. Run it with: mmush FILE\n" + chunks.joined()
  }

  /// The text of `file` that completed: all of it, or the top-level statements that ended
  /// before an error located in it. An error elsewhere (inside a procedure defined earlier,
  /// or a module) cannot be placed, so the whole input is dropped.
  static func completedText(of file: SourceFile, failure: Diagnostic?) -> String {
    let text = String(decoding: file.bytes, as: UTF8.self)
    guard let failure else { return text }
    guard failure.range.start.file == file.name, let statements = try? parse(file) else {
      return ""
    }
    let errorOffset = failure.range.start.offset
    var end = 0
    for s in statements
    where s.range.end.offset <= errorOffset && s.range.start.offset < errorOffset {
      end = max(end, s.range.end.offset)
    }
    let bytes = file.bytes[..<min(end, file.bytes.count)]
    return String(decoding: bytes, as: UTF8.self)
  }
}
