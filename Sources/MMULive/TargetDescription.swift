/// The registers a target description (`target.xml` and the files it includes) declares:
/// their names and numbers for `p`.
///
/// Numbering follows GDB's rule: a `<reg>` with a `regnum` attribute takes that number, one
/// without takes the number after the previous register's, in document order across the
/// included files. Only `<reg>` and `<xi:include>` elements matter here; this is not a
/// general XML parser.
public struct TargetDescription: Sendable, Equatable {
  public struct Register: Sendable, Equatable {
    public var name: String
    public var number: Int
    public var bits: Int
    /// The file that declared it (`system-registers.xml`…).
    public var file: String
  }

  public private(set) var registers: [Register] = []
  public private(set) var files: [String] = []
  private var next = 0

  public init() {}

  /// The `href`s of the `<xi:include>` elements of a document.
  public static func includes(_ xml: String) -> [String] {
    elements(xml, named: "xi:include").compactMap { attribute("href", in: $0) }
  }

  /// Adds the `<reg>` elements of one document.
  public mutating func add(_ xml: String, file: String) {
    files.append(file)
    for e in Self.elements(xml, named: "reg") {
      guard let name = Self.attribute("name", in: e) else { continue }
      var number = next
      if let n = Self.attribute("regnum", in: e).flatMap({ Int($0) }), n >= 0, n < 1 << 20 {
        number = n
      }
      let bits = Self.attribute("bitsize", in: e).flatMap { Int($0) } ?? 0
      registers.append(Register(name: name, number: number, bits: bits, file: file))
      next = number + 1
    }
  }

  /// The first register named any of `names` (case-insensitively), in the order given.
  public func register(_ names: [String]) -> Register? {
    for n in names {
      if let r = registers.first(where: { $0.name.lowercased() == n.lowercased() }) { return r }
    }
    return nil
  }

  /// The text inside each `<NAME …>` tag (attributes only).
  static func elements(_ xml: String, named name: String) -> [Substring] {
    var out: [Substring] = []
    var rest = xml[...]
    let open = "<" + name
    while let r = find(open, in: rest) {
      let after = rest[r.upperBound...]
      guard let first = after.first,
        first == " " || first == "\n" || first == "\t" || first == "/"
          || first == ">"
      else {
        rest = after
        continue
      }
      guard let close = after.firstIndex(of: ">") else { break }
      out.append(after[..<close])
      rest = after[close...]
    }
    return out
  }

  /// An attribute's value, in single or double quotes.
  static func attribute(_ name: String, in element: Substring) -> String? {
    var rest = element
    while let r = find(name, in: rest) {
      let before = r.lowerBound == rest.startIndex ? " " : rest[rest.index(before: r.lowerBound)]
      var after = rest[r.upperBound...].drop { $0 == " " }
      rest = rest[r.upperBound...]
      guard before == " " || before == "\n" || before == "\t", after.first == "=" else { continue }
      after = after.dropFirst().drop { $0 == " " }
      guard let q = after.first, q == "\"" || q == "'" else { continue }
      let value = after.dropFirst()
      guard let end = value.firstIndex(of: q) else { return nil }
      return String(value[..<end])
    }
    return nil
  }

  /// The first occurrence of `needle` in `text` (no Foundation).
  static func find(_ needle: String, in text: Substring) -> Range<Substring.Index>? {
    let n = Array(needle.utf8)
    let u = text.utf8
    var i = u.startIndex
    while i != u.endIndex {
      var j = i
      var k = 0
      while k < n.count, j != u.endIndex, u[j] == n[k] {
        j = u.index(after: j)
        k += 1
      }
      if k == n.count { return i..<j }
      i = u.index(after: i)
    }
    return nil
  }
}
