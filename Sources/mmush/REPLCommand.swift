import MMUShell
import MMUSyntax

/// A line the REPL handles itself instead of the interpreter: `:help`, `:load`, `:reset`,
/// `:save`, `:history`, `:quit`, and the bare words `help` / `help TOPIC`.
enum REPLCommand: Equatable {
  case help(String?)
  case load(String)
  case reset
  case save(String)
  case history(Int?)
  case quit
  /// A `:` line that is no command, or lacks its argument: the message to print.
  case invalid(String)

  /// The command a line holds, or nil when it is a statement for the interpreter.
  init?(_ line: String) {
    let trimmed = line.trimmingWhitespace
    let parts = trimmed.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
    guard let first = parts.first.map(String.init) else { return nil }
    let argument = parts.count > 1 ? String(parts[1]).trimmingWhitespace : nil
    if first == "help" {
      // `help` and `help TOPIC` only: `help = 1` or `help(x)` stay statements.
      guard argument.map({ !$0.contains(where: { $0 == " " || $0 == "=" || $0 == "(" }) }) ?? true,
        !first.contains("(")
      else { return nil }
      self = .help(argument)
      return
    }
    guard first.hasPrefix(":") else { return nil }
    guard first.count > 1,
      let name = REPLCompleter.replCommands.first(where: { $0.hasPrefix(first) })
    else {
      let hint = closestMatch(first, in: REPLCompleter.replCommands).map {
        " (did you mean '\($0)'?)"
      }
      self = .invalid("unknown command '\(first)'\(hint ?? ""); :help lists the commands")
      return
    }
    switch name {
    case ":help": self = .help(argument)
    case ":load":
      guard let path = argument.map(Self.unquoted), !path.isEmpty else {
        self = .invalid(":load needs a file name: :load FILE")
        return
      }
      self = .load(path)
    case ":save":
      guard let path = argument.map(Self.unquoted), !path.isEmpty else {
        self = .invalid(":save needs a file name: :save FILE")
        return
      }
      self = .save(path)
    case ":reset": self = argument == nil ? .reset : .invalid(":reset takes no argument")
    case ":history":
      guard let argument else {
        self = .history(nil)
        return
      }
      guard let n = Int(argument), n >= 0 else {
        self = .invalid(":history takes a count: :history [N]")
        return
      }
      self = .history(n)
    default: self = argument == nil ? .quit : .invalid(":quit takes no argument")
    }
  }

  /// `"file name"` → `file name`.
  static func unquoted(_ s: String) -> String {
    if s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") {
      return String(s.dropFirst().dropLast())
    }
    return s
  }
}

extension String {
  var trimmingWhitespace: String {
    var s = Substring(self)
    while let c = s.first, c.isWhitespace { s.removeFirst() }
    while let c = s.last, c.isWhitespace { s.removeLast() }
    return String(s)
  }
}
