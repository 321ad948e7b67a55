/// A problem found in a script, as data: what, how bad, where, and what might fix it.
///
/// As in swift-format's `Finding`, the diagnostic carries *where* and the renderer decides
/// *how* it looks, so the same value can be printed as text, JSON, or matched in a test.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
  public enum Severity: String, Sendable, CaseIterable {
    case error, warning, note
  }

  public var severity: Severity
  public var message: String
  public var range: SourceRange
  /// A suggestion printed after the excerpt, e.g. `did you mean 'tcr_el2'?`.
  public var hint: String?

  public init(severity: Severity = .error, message: String, range: SourceRange, hint: String? = nil)
  {
    self.severity = severity
    self.message = message
    self.range = range
    self.hint = hint
  }

  /// An error at `range`.
  public static func error(_ message: String, at range: SourceRange, hint: String? = nil)
    -> Diagnostic
  {
    Diagnostic(severity: .error, message: message, range: range, hint: hint)
  }

  /// The one-line form, `FILE:LINE:COL: error: message`, without excerpt or hint.
  public var description: String {
    "\(range.start): \(severity.rawValue): \(message)"
  }
}

/// Renders a diagnostic for a terminal or a log, in exactly this shape:
///
/// ```
/// FILE:LINE:COL: error: message
///     <the source line>
///     <padding>^~~~
/// hint: did you mean 'tcr_el2'?
/// ```
///
/// - The excerpt lines are indented by four spaces. The padding before `^` copies each tab
///   of the source line as a tab and every other character as a space, so the caret stays
///   under the token whatever the tab width.
/// - `^` marks the range's first column; one `~` follows for every further scalar of the range
///   on that line (a range running past the line end is underlined to the end of the line; an
///   empty range, such as end of file, is a lone `^`).
/// - Invalid UTF-8 and NUL bytes show as U+FFFD, one per column, as the columns count them;
///   a trailing `\r` is not shown.
/// - The excerpt is left out when the diagnostic's file is not `source` or its line does not
///   exist there; the `hint:` line appears only when there is a hint.
/// - No trailing newline.
public func render(_ diagnostic: Diagnostic, source: SourceFile) -> String {
  var lines = [diagnostic.description]
  let start = diagnostic.range.start
  if start.file == source.name, start.line >= 1, start.line <= source.lineCount {
    let bytes = Array(source.lineBytes(start.line))
    // Decode the line one scalar per column, as the lexer counted them.
    var scalars: [Unicode.Scalar] = []
    var index = 0
    while index < bytes.count {
      let step = UTF8Scanner.step(bytes, at: index)
      let scalar = step.scalar ?? "\u{FFFD}"
      scalars.append(scalar == "\0" ? "\u{FFFD}" : scalar)
      index += step.length
    }
    var text = ""
    text.unicodeScalars.append(contentsOf: scalars)
    lines.append("    " + text)

    let caretIndex = min(max(start.column - 1, 0), scalars.count)
    var marker = "    "
    for scalar in scalars[..<caretIndex] {
      marker.append(scalar == "\t" ? "\t" : " ")
    }
    marker.append("^")
    let end = diagnostic.range.end
    let endIndex =
      end.line == start.line ? min(max(end.column - 1, caretIndex), scalars.count) : scalars.count
    if endIndex > caretIndex + 1 {
      marker.append(String(repeating: "~", count: endIndex - caretIndex - 1))
    }
    lines.append(marker)
  }
  if let hint = diagnostic.hint {
    lines.append("hint: " + hint)
  }
  return lines.joined(separator: "\n")
}

/// The candidate closest to `word` by edit distance, for "did you mean" hints; nil when
/// nothing is close enough.
///
/// Distance is optimal-string-alignment (a swap of two neighbours costs 1, so `wlak` finds
/// `walk`), ignoring case. A candidate qualifies within `max(1, min(3, word.count / 3))` edits,
/// so short words only match near-misses. Among equally distant candidates the one sharing a
/// longer prefix wins, then the one closer in length, then the earlier one, which keeps hints
/// deterministic. Very long words (over 64 scalars) get no hint, bounding the cost.
public func closestMatch(_ word: String, in candidates: some Sequence<String>) -> String? {
  let target = Array(word.lowercased().unicodeScalars)
  guard !target.isEmpty, target.count <= 64 else { return nil }
  let limit = max(1, min(3, target.count / 3))
  // Ranked by distance, then by a longer common prefix (typos tend to come late in a word:
  // `vmale1` is `vmalle1`, not `vaale1`), then by closeness in length (`rwz` is `rwx`, not `rw`).
  var best: (candidate: String, rank: (Int, Int, Int))?
  for candidate in candidates {
    let other = Array(candidate.lowercased().unicodeScalars)
    let lengthDifference = abs(other.count - target.count)
    guard other.count <= 64, lengthDifference <= limit else { continue }
    let distance = editDistance(target, other)
    guard distance <= limit else { continue }
    let prefix = zip(target, other).prefix { $0 == $1 }.count
    let rank = (distance, -prefix, lengthDifference)
    if let best, best.rank <= rank { continue }
    best = (candidate, rank)
  }
  return best?.candidate
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps.
func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  let width = b.count + 1
  var rows = [[Int]](repeating: [Int](repeating: 0, count: width), count: a.count + 1)
  for i in 0...a.count { rows[i][0] = i }
  for j in 0...b.count { rows[0][j] = j }
  for i in 1...a.count {
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      var value = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
      if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
        value = min(value, rows[i - 2][j - 2] + 1)
      }
      rows[i][j] = value
    }
  }
  return rows[a.count][b.count]
}

/// Words as a message lists them: `a, b, c or d`.
func listed(_ words: [String]) -> String {
  guard let last = words.last else { return "" }
  return words.count == 1 ? last : words.dropLast().joined(separator: ", ") + " or " + last
}

/// `did you mean 'X'?` for the closest candidate, or nil.
func didYouMean(_ word: String, in candidates: some Sequence<String>) -> String? {
  closestMatch(word, in: candidates).map { "did you mean '\($0)'?" }
}
