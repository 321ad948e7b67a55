import MMU
import MMUSyntax

/// How an integer prints: addresses and raw values in hex, levels and counts in decimal
/// (signed, so level -1 prints as -1).
public enum IntegerStyle: Sendable, Equatable {
  case hex, decimal
}

/// A walk's outcome as a script value: the record `walk()` returns. A class, so that a
/// `Value` stays a few words long (an access result is hundreds of bytes).
public final class WalkRecord: Sendable, Equatable {
  public let access: AccessResult
  public var outcome: WalkOutcome { access.outcome }
  public init(access: AccessResult) { self.access = access }
  public static func == (a: WalkRecord, b: WalkRecord) -> Bool { a === b || a.access == b.access }
}

/// A value of the language.
public enum Value: Sendable, Equatable {
  case int(UInt64, IntegerStyle)
  case bool(Bool)
  case string(String)
  /// A named address space.
  case space(String)
  case regime(AccessRegime)
  case walk(WalkRecord)
  /// What a procedure without `return` gives.
  case none

  public static func hex(_ v: UInt64) -> Value { .int(v, .hex) }
  public static func dec(_ v: Int) -> Value { .int(UInt64(truncatingIfNeeded: v), .decimal) }

  public var typeName: String {
    switch self {
    case .int: "integer"
    case .bool: "boolean"
    case .string: "string"
    case .space: "space"
    case .regime: "regime"
    case .walk: "walk record"
    case .none: "nothing"
    }
  }
}

/// Formats values the way `print` and `str()` show them.
public struct ValueFormatter: Sendable {
  /// Group hex digits by four with `_` (0xffff_8000_0000_0000).
  public var hexGrouping = true
  public init(hexGrouping: Bool = true) { self.hexGrouping = hexGrouping }

  /// Hex digits never grouped: the JSON schema's form.
  public static let plain = ValueFormatter(hexGrouping: false)

  /// `0x` and the hex digits, grouped by four from the right when `hexGrouping` is on. Every
  /// address and raw value any renderer prints goes through here, so `set hex_grouping`
  /// reaches all of them.
  public func hex(_ v: UInt64) -> String { hex(v, digits: 1) }

  /// `v` zero-padded to at least `digits` hex digits, so that a column of values lines up
  /// (descriptors as 16 digits, the addresses of a dump as many as its largest needs).
  public func hex(_ v: UInt64, digits: Int) -> String {
    let bare = String(v, radix: 16)
    let padded =
      bare.count >= digits ? bare : String(repeating: "0", count: digits - bare.count) + bare
    return "0x" + group(padded)
  }

  /// The exclusive end of a range ending at `last`: 2^64 (17 digits) when `last` is the top.
  public func end(_ last: UInt64, digits: Int = 1) -> String {
    last == .max
      ? "0x" + group("1" + String(repeating: "0", count: 16)) : hex(last &+ 1, digits: digits)
  }

  func group(_ digits: String) -> String {
    guard hexGrouping, digits.count > 4 else { return digits }
    var groups: [Substring] = []
    var end = digits.endIndex
    while end > digits.startIndex {
      let start = digits.index(end, offsetBy: -4, limitedBy: digits.startIndex) ?? digits.startIndex
      groups.insert(digits[start..<end], at: 0)
      end = start
    }
    return groups.joined(separator: "_")
  }

  /// A fault as every message and rendering words it: `translation fault, level 2, stage 1`,
  /// then `on a stage-1 table walk` and the IPA of a stage-2 fault when they apply.
  public func fault(_ f: Fault) -> String {
    // One interpolation, not faultKindAndLevel + a suffix: walk lines word every fault here.
    var s = "\(f.kind) fault, level \(f.level), stage \(f.stage)"
    if f.s1ptw { s += ", on a stage-1 table walk" }
    if f.stage == 2, let ipa = f.ipa { s += ", IPA \(hex(ipa))" }
    return s
  }

  /// How `fault(_:)` begins, `translation fault, level 2` (a test holds them together): all
  /// a setup fault needs where its stage goes without saying (a layout's holes).
  public func faultKindAndLevel(_ f: Fault) -> String { "\(f.kind) fault, level \(f.level)" }

  public func format(_ v: Value) -> String {
    switch v {
    case .int(let x, .hex): return hex(x)
    case .int(let x, .decimal): return String(Int64(bitPattern: x))
    case .bool(let b): return b ? "true" : "false"
    case .string(let s): return s
    case .space(let n): return n
    case .regime(let r): return r.rawValue
    case .walk(let w):
      switch w.outcome {
      case .translated(let t): return "walk(pa \(hex(t.pa)), level \(t.level))"
      case .faulted(let f): return "walk(\(fault(f)))"
      }
    case .none: return "none"
    }
  }
}
