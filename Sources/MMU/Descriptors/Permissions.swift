/// Access rights one translation grants, for unprivileged (EL0) and privileged (EL1 or EL2)
/// accesses. Stage 1 and stage 2 each produce one; an access needs both (architecture.md §8.6).
///
/// Stored as six bits of one byte (privileged read/write/exec in bits 0-2, EL0's in 3-5): a
/// translation carries two of these, and every TLB entry one translation.
public struct Permissions: Sendable, Equatable, CustomStringConvertible {
  /// Bit `access.rawValue` (read 0, write 1, exec 2) for privileged accesses, +3 for EL0.
  private var bits: UInt8 = 0

  public init() {}
  public static let all = Permissions(bits: 0x3f)
  private init(bits: UInt8) { self.bits = bits }
  /// The six bits as a byte, for structures that pack a permission set with other fields.
  @inline(always)
  init(raw: UInt8) { bits = raw & 0x3f }
  var raw: UInt8 { @inline(always) get { bits } }

  @inline(always)
  private func has(_ b: UInt8) -> Bool { bits & b != 0 }
  @inline(always)
  private mutating func set(_ b: UInt8, _ on: Bool) { bits = on ? bits | b : bits & ~b }

  public var privRead: Bool {
    get { has(1) }
    set { set(1, newValue) }
  }
  public var privWrite: Bool {
    get { has(2) }
    set { set(2, newValue) }
  }
  public var privExec: Bool {
    get { has(4) }
    set { set(4, newValue) }
  }
  public var el0Read: Bool {
    get { has(8) }
    set { set(8, newValue) }
  }
  public var el0Write: Bool {
    get { has(16) }
    set { set(16, newValue) }
  }
  public var el0Exec: Bool {
    get { has(32) }
    set { set(32, newValue) }
  }

  @inline(__always)
  public func allows(_ access: AccessType, unprivileged: Bool) -> Bool {
    let shift: UInt8
    switch access {
    case .read: shift = 0
    case .write: shift = 1
    case .exec: shift = 2
    }
    return bits & (1 << (unprivileged ? shift + 3 : shift)) != 0
  }

  public func intersection(_ o: Permissions) -> Permissions { Permissions(bits: bits & o.bits) }

  /// "rwx" strings, e.g. `el0 r-- el1 rw-`.
  public var description: String {
    func s(_ r: Bool, _ w: Bool, _ x: Bool) -> String {
      (r ? "r" : "-") + (w ? "w" : "-") + (x ? "x" : "-")
    }
    return "el0 \(s(el0Read, el0Write, el0Exec)) priv \(s(privRead, privWrite, privExec))"
  }

  /// Stage-1 permissions of a two-range regime (EL1&0, EL2&0), architecture.md §8.1-§8.2.
  /// `ap` is AP[2:1] after APTable; `uxn`/`pxn` include the table bits.
  public static func stage1TwoRange(ap: UInt64, uxn: Bool, pxn: Bool, wxn: Bool) -> Permissions {
    var p = Permissions()
    // AP[1] grants EL0 access; AP[2] makes the page read-only at every level.
    p.el0Read = ap & 1 != 0
    p.el0Write = ap == 0b01
    p.privRead = true
    p.privWrite = ap & 0b10 == 0
    // EL0 executes unless UXN, or WXN with an EL0-writable page.
    p.el0Exec = !uxn && !(wxn && p.el0Write)
    // Any EL0-writable page is implicitly PXN (architecture.md §8.2), independent of WXN.
    p.privExec = !pxn && !p.el0Write && !(wxn && p.privWrite)
    return p
  }

  /// Stage-1 permissions of a one-range regime (EL2 without VHE), architecture.md §8.4: AP[2]
  /// alone, one XN.
  public static func stage1OneRange(ap: UInt64, xn: Bool, wxn: Bool) -> Permissions {
    var p = Permissions()
    p.privRead = true
    p.privWrite = ap & 0b10 == 0
    p.privExec = !xn && !(wxn && p.privWrite)
    // No EL0 in this regime: an unprivileged access is checked as privileged by callers.
    p.el0Read = p.privRead
    p.el0Write = p.privWrite
    p.el0Exec = p.privExec
    return p
  }

  /// Stage-2 permissions, architecture.md §8.5: S2AP[0] read, S2AP[1] write; XN[1:0] per EL with
  /// FEAT_XNX, else XN[1] alone.
  public static func stage2(s2ap: UInt64, xn: UInt64, xnx: Bool) -> Permissions {
    var p = Permissions()
    p.el0Read = s2ap & 1 != 0
    p.privRead = p.el0Read
    p.el0Write = s2ap & 2 != 0
    p.privWrite = p.el0Write
    if xnx {
      switch xn & 3 {
      case 0:
        p.el0Exec = true
        p.privExec = true
      case 1: p.el0Exec = true
      case 3: p.privExec = true
      default: break
      }
    } else {
      let x = xn & 2 == 0
      p.el0Exec = x
      p.privExec = x
    }
    return p
  }
}
