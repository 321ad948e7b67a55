/// An entry the visitor is at.
public struct VisitedEntry: Sendable {
  public let level: Int
  /// The first input address the entry maps.
  public let inputAddress: UInt64
  /// The entry's address in the tables' address space (an IPA for a `via` space).
  public let entryAddress: UInt64
  /// Where the entry lives in physical memory.
  public let entryPA: UInt64
  public let descriptor: UInt64
  public let kind: DescriptorKind
  /// log2 of the region the entry maps.
  public let shift: Int
  /// The next-level table (a table entry) or output address (a block or page), decoded as the
  /// walker decodes it for the space's output size; 0 for other entries.
  public let address: UInt64
  /// The address fits the output size. When it does not, a walk through the entry takes an
  /// Address size fault at its level: a table entry is then not descended into (it is given
  /// as a `leaf`), as no walk goes below it.
  public let addressFits: Bool
  public var size: UInt64 { 1 << UInt64(shift) }
  public var lastAddress: UInt64 { inputAddress &+ (size &- 1) }
}
