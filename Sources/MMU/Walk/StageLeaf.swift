/// The result of one stage's walk before the stages are combined.
///
/// Three words: every walk returns one, and a copy of separate byte fields cost a load and a
/// store each. The small fields share `bits`: level [7:0] (signed), block bits [15:8],
/// permissions [23:16], attribute [31:24], shareability [33:32], global [34], contiguous [35].
struct StageLeaf: Sendable, Equatable {
  var output: UInt64
  var descriptor: UInt64
  private var bits: UInt64

  init(
    output: UInt64, level: Int, blockBits: Int, descriptor: UInt64, permissions: Permissions,
    attribute: UInt64, shareability: Shareability, global: Bool, contiguous: Bool
  ) {
    self.output = output
    self.descriptor = descriptor
    bits =
      UInt64(UInt8(truncatingIfNeeded: level)) | UInt64(UInt8(truncatingIfNeeded: blockBits)) << 8
      | UInt64(permissions.raw) << 16 | (attribute & 0xff) << 24 | shareability.rawValue << 32
      | (global ? 1 << 34 : 0) | (contiguous ? 1 << 35 : 0)
  }

  var level: Int { @inline(always) get { Int(Int8(truncatingIfNeeded: bits)) } }
  var blockBits: Int { @inline(always) get { Int(bits >> 8 & 0xff) } }
  var permissions: Permissions {
    @inline(always) get { Permissions(raw: UInt8(truncatingIfNeeded: bits >> 16)) }
  }
  /// Stage 1: the MAIR byte; stage 2: MemAttr[3:0].
  var attribute: UInt64 { @inline(always) get { bits >> 24 & 0xff } }
  var shareability: Shareability { @inline(always) get { .field(bits >> 32 & 3) } }
  var global: Bool { @inline(always) get { bits.hasFlag(1 << 34) } }
  var contiguous: Bool { @inline(always) get { bits.hasFlag(1 << 35) } }
}
