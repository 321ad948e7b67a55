/// What hits have learnt of a TLB entry's rights, so that an address-only hit
/// (`Machine.hitAddress`) answers with one bit test rather than by decoding permissions.
///
/// An access is one of twelve kinds (read, write or execute; privileged or not; PSTATE.PAN
/// set or not). The first hit of a kind computes the answer from the entry's permissions as a
/// full hit does (`Machine.cachedRights`) and records it; later hits of that kind read it. The
/// answer depends on the registers only through the entry's stamp (a hit is taken only while
/// the registers are those of the fill), so it stays right for the entry's life.
struct TLBRights {
  private var bits: UInt32 = 0

  private static let known: UInt32 = 0xfff
  private static let allowedShift: UInt32 = 16
  /// The entry's translation has a Contiguous bit at either stage: its hits take the full
  /// path, whose caller checks the group (architecture.md §3.6).
  private static let fullPathOnly: UInt32 = 1 << 31

  init() {}

  init(_ t: Translation) {
    bits = t.hasContiguousBit ? Self.fullPathOnly : 0
  }

  /// The kind of an access (0-11).
  @inline(__always)
  static func kind(_ access: AccessType, unprivileged: Bool, pan: Bool) -> Int {
    access.rawValue &+ (unprivileged ? 3 : 0) &+ (pan ? 6 : 0)
  }

  /// Whether the entry can answer hits of this kind without the full path.
  @inline(__always)
  var fastPath: Bool { bits & Self.fullPathOnly == 0 }

  /// The recorded answer for `kind`: nil when no hit of that kind has been seen.
  @inline(__always)
  func allows(kind: Int) -> Bool? {
    guard bits & (1 << UInt32(kind)) != 0 else { return nil }
    return bits & (1 << (UInt32(kind) &+ Self.allowedShift)) != 0
  }

  @inline(__always)
  mutating func record(kind: Int, allowed: Bool) {
    bits |= 1 << UInt32(kind)
    if allowed { bits |= 1 << (UInt32(kind) &+ Self.allowedShift) }
  }
}
