/// Whether the REPL should read another line before parsing `text`, so that it can show a
/// continuation prompt instead of a syntax error.
///
/// True when a `{` or `(` is still open, when the text ends in a line continuation (`\` at
/// the end of its last line), or when a string is unterminated (strings may span lines).
/// Counts follow the lexer: nothing inside strings or `#` comments counts, and a brace resets
/// the parenthesis count. More `}` than `{` gives false: the parser will report it.
public func needsMoreInput(_ text: String) -> Bool {
  let bytes = Array(text.utf8)
  var braces = 0
  var parens = 0
  var inString = false
  var backslashPending = false  // a `\` waiting for its line break
  var lineJoined = false  // that line break came: the statement goes on
  var index = 0
  while index < bytes.count {
    let byte = bytes[index]
    index += 1
    if inString {
      if byte == UInt8(ascii: "\\") {
        index += 1
      } else if byte == UInt8(ascii: "\"") {
        inString = false
      }
      continue
    }
    switch byte {
    case 0x20, 0x09, 0x0D:
      continue
    case 0x0A:
      lineJoined = backslashPending
      backslashPending = false
      continue
    case UInt8(ascii: "\\"):
      backslashPending = true
      lineJoined = false
      continue
    case UInt8(ascii: "\""): inString = true
    case UInt8(ascii: "#"):
      while index < bytes.count, bytes[index] != 0x0A { index += 1 }
    case UInt8(ascii: "{"):
      braces += 1
      parens = 0
    case UInt8(ascii: "}"):
      braces -= 1
      parens = 0
    case UInt8(ascii: "("): parens += 1
    case UInt8(ascii: ")"): parens = max(0, parens - 1)
    default: break
    }
    backslashPending = false
    lineJoined = false
  }
  if braces < 0 { return false }
  return braces > 0 || parens > 0 || inString || backslashPending || lineJoined
}
