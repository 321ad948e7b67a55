/// Kernel symbols from a System.map or /proc/kallsyms text (`ADDRESS TYPE NAME [\[MODULE\]]`
/// a line), for naming the nearest symbol at or below an address.
public struct SymbolTable: Sendable, Equatable {
  public struct Symbol: Sendable, Equatable {
    public var address: UInt64
    public var name: String
  }

  /// Sorted by address; at one address the first name in the file is kept.
  public private(set) var symbols: [Symbol]
  /// Every name's first address, including names that share an address with another (which
  /// `symbols` keeps one of): what the kernel was built with shows in which names exist.
  public private(set) var addresses: [String: UInt64] = [:]

  public var names: Dictionary<String, UInt64>.Keys { addresses.keys }

  /// The first address of a name.
  public func address(of name: String) -> UInt64? { addresses[name] }

  /// Parses the text. Absolute and undefined symbols (types a, A, U, w, W with address 0)
  /// name nothing and are left out; so are kallsyms' zero addresses (kptr_restrict).
  public init(text: [UInt8]) throws(CoreFileError) {
    var list: [Symbol] = []
    var lineNumber = 0
    for raw in text.split(separator: 0x0a, omittingEmptySubsequences: false) {
      lineNumber += 1
      var line = raw
      while line.last == 0x0d { line = line.dropLast() }
      if line.isEmpty { continue }
      let fields = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
      guard fields.count >= 3, fields.count <= 4, fields[1].count == 1,
        let address = UInt64(String(decoding: fields[0], as: UTF8.self), radix: 16)
      else {
        throw .badSymbolLine(
          line: lineNumber, text: String(decoding: line.prefix(80), as: UTF8.self))
      }
      let type = fields[1][fields[1].startIndex]
      if address == 0 || type == 0x61 || type == 0x41 || type == 0x55 { continue }
      var name = String(decoding: fields[2], as: UTF8.self)
      if fields.count == 4 { name += " " + String(decoding: fields[3], as: UTF8.self) }
      list.append(Symbol(address: address, name: name))
      if addresses[name] == nil { addresses[name] = address }
    }
    // A stable sort keeps the file's first name at an address first.
    list = list.enumerated().sorted {
      ($0.element.address, $0.offset) < ($1.element.address, $1.offset)
    }.map(\.element)
    var unique: [Symbol] = []
    for s in list where unique.last?.address != s.address { unique.append(s) }
    symbols = unique
  }

  /// The symbol at or below `address` and the distance from it. `limit` bounds the distance
  /// so an address far past the last symbol names nothing.
  public func nearest(_ address: UInt64, limit: UInt64 = 1 << 24) -> (name: String, offset: UInt64)?
  {
    var lo = 0
    var hi = symbols.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if symbols[mid].address <= address { lo = mid + 1 } else { hi = mid }
    }
    guard lo > 0 else { return nil }
    let s = symbols[lo - 1]
    let offset = address - s.address
    guard offset < limit else { return nil }
    return (s.name, offset)
  }
}
