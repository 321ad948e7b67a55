/// The kernel's VMCOREINFO note: `KEY=VALUE` lines the kernel writes for crash tools
/// (kernel/vmcore_info.c, arch/arm64/kernel/vmcore_info.c). Keys keep their spelling
/// (`SYMBOL(swapper_pg_dir)`, `NUMBER(kimage_voffset)`, `OSRELEASE`).
public struct VMCoreInfo: Equatable, Sendable {
  /// The lines in file order (a key written twice keeps its last value in `values`).
  public private(set) var keys: [String] = []
  public private(set) var values: [String: String] = [:]

  /// The note's name.
  public static let noteName = "VMCOREINFO"
  /// Lines the parser accepts: a kernel writes a few hundred.
  public static let maxLines = 1 << 16

  public init(text: [UInt8]) throws(CoreFileError) {
    var lineNumber = 0
    for raw in text.split(separator: 0x0a, omittingEmptySubsequences: true) {
      var line = raw
      while line.last == 0 || line.last == 0x0d { line = line.dropLast() }
      if line.isEmpty { continue }
      lineNumber += 1
      guard lineNumber <= Self.maxLines else {
        throw .tooLarge(what: "VMCOREINFO lines", limit: UInt64(Self.maxLines))
      }
      guard let eq = line.firstIndex(of: 0x3d) else {
        throw .badValue(
          key: "VMCOREINFO line \(lineNumber)", value: String(decoding: line, as: UTF8.self),
          reason: "no '='")
      }
      let key = String(decoding: line[..<eq], as: UTF8.self)
      let value = String(decoding: line[(eq + 1)...], as: UTF8.self)
      if values[key] == nil { keys.append(key) }
      values[key] = value
    }
  }

  public subscript(key: String) -> String? { values[key] }

  /// A number as the kernel prints each kind of key: SYMBOL(...) and KERNELOFFSET in hex
  /// without `0x` (`%lx`); NUMBER(...), SIZE(...), OFFSET(...), LENGTH(...) and PAGESIZE in
  /// decimal (`%ld`, possibly negative) or hex with `0x` (arm64's `0x%llx` lines).
  public func number(_ key: String) throws(CoreFileError) -> UInt64? {
    guard let text = values[key] else { return nil }
    guard let v = Self.parseNumber(key: key, text) else {
      throw .badValue(key: key, value: text, reason: "not a number")
    }
    return v
  }

  /// Whether a key's value is a number (rather than text such as OSRELEASE or BUILD-ID).
  public static func isNumeric(_ key: String) -> Bool {
    key == "KERNELOFFSET" || key == "PAGESIZE" || key == "CRASHTIME"
      || ["SYMBOL(", "NUMBER(", "SIZE(", "OFFSET(", "LENGTH("].contains { key.hasPrefix($0) }
  }

  /// The value of `text` as the kernel prints `key`'s kind, or nil.
  public static func parseNumber(key: String, _ text: String) -> UInt64? {
    if text.hasPrefix("0x") || text.hasPrefix("0X") {
      return UInt64(text.dropFirst(2), radix: 16)
    }
    if key.hasPrefix("SYMBOL(") || key == "KERNELOFFSET" { return UInt64(text, radix: 16) }
    if text.hasPrefix("-"), let v = UInt64(text.dropFirst(), radix: 10), v <= 1 << 63 {
      return 0 &- v
    }
    return UInt64(text, radix: 10)
  }

  /// The key a script's name refers to: itself when present, else SYMBOL(name),
  /// NUMBER(name), SIZE(name), OFFSET(name), LENGTH(name) in that order.
  public func resolve(_ name: String) -> String? {
    if values[name] != nil { return name }
    for kind in ["SYMBOL", "NUMBER", "SIZE", "OFFSET", "LENGTH"] {
      let key = "\(kind)(\(name))"
      if values[key] != nil { return key }
    }
    return nil
  }

  /// The release's major and minor version from OSRELEASE (`6.12.118+deb12-arm64` is 6.12).
  public var release: (major: Int, minor: Int)? {
    guard let r = values["OSRELEASE"] else { return nil }
    let parts = r.split(separator: ".", maxSplits: 2)
    guard parts.count >= 2, let major = Int(parts[0]) else { return nil }
    let minor = Int(parts[1].prefix { $0.isASCII && $0.isNumber }) ?? 0
    return (major, minor)
  }
}
