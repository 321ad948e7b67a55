import Synchronization

/// A script's text as the lexer sees it: UTF-8 bytes, not a `String`.
///
/// Keeping bytes lets the lexer report an invalid UTF-8 byte or a NUL byte at its exact place
/// instead of losing it to `String`'s repair. `lineStarts` lets diagnostics find a line without
/// rescanning the file.
public struct SourceFile: Sendable {
  /// The name printed in diagnostics (a path, `<stdin>`, `<repl>`, `-c`).
  public let name: String
  /// `name` interned, for the locations of this file (see `SourceLocation.file`).
  let nameID: Int
  /// The raw bytes, exactly as read.
  public let bytes: [UInt8]
  /// Byte offsets where each line starts; `lineStarts[0] == 0`. Lines end at `\n`.
  public let lineStarts: [Int]

  public init(name: String, bytes: [UInt8]) {
    self.name = name
    self.nameID = SourceNames.id(name)
    self.bytes = bytes
    var starts = [0]
    for (offset, byte) in bytes.enumerated() where byte == 0x0A {
      starts.append(offset + 1)
    }
    self.lineStarts = starts
  }

  public init(name: String, text: String) {
    self.init(name: name, bytes: Array(text.utf8))
  }

  /// The number of lines; a final line without `\n` counts, an empty last line after `\n` too.
  public var lineCount: Int { lineStarts.count }

  /// The bytes of a 1-based line without its `\n` (nor a `\r` before it); empty when out of range.
  public func lineBytes(_ line: Int) -> ArraySlice<UInt8> {
    guard line >= 1, line <= lineStarts.count else { return [] }
    let start = lineStarts[line - 1]
    var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
    if end > start, bytes[end - 1] == 0x0D { end -= 1 }
    return bytes[start..<end]
  }

  /// The location of a byte offset (clamped to the file), with the column in Unicode scalars.
  public func location(at offset: Int) -> SourceLocation {
    let offset = min(max(offset, 0), bytes.count)
    // The last line start that is <= offset.
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let mid = low + (high - low + 1) / 2
      if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
    }
    var column = 1
    var index = lineStarts[low]
    while index < offset {
      index += UTF8Scanner.step(bytes, at: index).length
      column += 1
    }
    return SourceLocation(fileID: nameID, line: low + 1, column: column, offset: offset)
  }

  /// The range covering the bytes `start..<end` (clamped).
  public func range(from start: Int, to end: Int) -> SourceRange {
    SourceRange(start: location(at: start), end: location(at: max(start, end)))
  }
}

/// A point in a source file: what a diagnostic prints as `FILE:LINE:COL`.
///
/// `line` and `column` are 1-based; the column counts Unicode scalars (an ill-formed UTF-8
/// sequence counts as one), so a caret lines up under the character a terminal shows.
/// `offset` is the byte offset, kept so tools can slice the source without recounting.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The file's name, interned: a location is four integers, so copying a statement or an
  /// expression (each holds several ranges) retains no strings. The interpreter copies AST
  /// nodes on every statement it runs.
  var fileID: Int
  public var line: Int
  public var column: Int
  public var offset: Int

  public var file: String {
    get { SourceNames.name(fileID) }
    set { fileID = SourceNames.id(newValue) }
  }

  public init(file: String, line: Int, column: Int, offset: Int) {
    self.init(fileID: SourceNames.id(file), line: line, column: column, offset: offset)
  }

  init(fileID: Int, line: Int, column: Int, offset: Int) {
    self.fileID = fileID
    self.line = line
    self.column = column
    self.offset = offset
  }

  public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
    (a.line, a.column) < (b.line, b.column)
  }

  /// `FILE:LINE:COL`, the prefix of every diagnostic.
  public var description: String { "\(file):\(line):\(column)" }
}

/// A half-open stretch of source, `start..<end`: a token, an expression, a statement.
///
/// Diagnostics carry ranges rather than points so the renderer can underline the whole
/// offending token.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
  public var start: SourceLocation
  public var end: SourceLocation

  public init(start: SourceLocation, end: SourceLocation) {
    self.start = start
    self.end = end
  }

  /// An empty range at one point (end of file, a missing token).
  public init(at location: SourceLocation) {
    self.init(start: location, end: location)
  }

  /// A range of `length` scalars on one line, for callers that know only a start and a width
  /// (e.g. the interpreter underlining part of a token). The end offset assumes ASCII.
  public init(start: SourceLocation, length: Int) {
    var end = start
    let width = max(0, min(length, 1 << 30))  // no overflow from a wild width
    end.column = start.column + width
    end.offset = start.offset + width
    self.init(start: start, end: end)
  }

  /// The range from the start of `self` to the end of `other`.
  public func through(_ other: SourceRange) -> SourceRange {
    SourceRange(start: start, end: other.end)
  }

  /// The length in bytes.
  public var length: Int { max(0, end.offset - start.offset) }

  public var description: String { start.description }
}

/// The file names of source locations, each stored once: a location keeps the index. Names
/// are never removed (a run sees a handful of files; the REPL one name for all its lines).
enum SourceNames {
  private static let table = Mutex<(names: [String], ids: [String: Int])>(([], [:]))

  static func id(_ name: String) -> Int {
    table.withLock { t in
      if let i = t.ids[name] { return i }
      t.names.append(name)
      t.ids[name] = t.names.count - 1
      return t.names.count - 1
    }
  }

  static func name(_ id: Int) -> String {
    table.withLock { t in t.names.indices.contains(id) ? t.names[id] : "" }
  }
}
