import MMU
import MMUSyntax

/// `dump … format linux|kvm`: the lines the kernel's own dump would print for these tables.
public struct PtdumpEvent: Sendable {
  /// The regime or space dumped.
  public var target: ViewTarget
  public var format: DumpFormat
  /// The base register of the half dumped (`TTBR1_EL1`…).
  public var section: String
  public var first: UInt64
  public var last: UInt64
  public var lines: [PtdumpLine]
  public var range: SourceRange
}

/// `check wx`: what CONFIG_DEBUG_WX's ptdump_check_wx would count in these tables.
public struct WXCheckEvent: Sendable {
  public var target: ViewTarget
  public var section: String
  public var pageSize: UInt64
  public var result: WXCheck
  public var range: SourceRange
}

/// One leaf run seen from the physical side: which input addresses reach [pa, pa+size).
public struct PhysicalMapping: Sendable, Equatable {
  /// The base register of the half (`TTBR1_EL1`…).
  public var section: String
  public var regime: MMU.Regime
  /// The first input address that reaches `pa`.
  public var va: UInt64
  /// The first output address (a PA, or an IPA for a guest's stage 1) and the bytes.
  public var pa: UInt64
  public var size: UInt64
  /// The outputs are IPAs (stage 1 under stage 2).
  public var outputIsIPA: Bool
  public var run: LeafRun
}

/// `find pa`: every mapping of [first, last].
public struct FindPAEvent: Sendable {
  public var target: ViewTarget
  public var first: UInt64
  public var last: UInt64
  public var mappings: [PhysicalMapping]
  public var range: SourceRange
}

/// Two mappings of the same physical bytes whose memory types or cacheability differ.
public struct PhysicalAlias: Sendable, Equatable {
  /// The physical bytes both map, inclusive.
  public var first: UInt64
  public var last: UInt64
  public var a: PhysicalMapping
  public var b: PhysicalMapping
}

/// `check aliases`.
public struct AliasCheckEvent: Sendable {
  public var target: ViewTarget
  public var aliases: [PhysicalAlias]
  public var range: SourceRange
}

/// A line of `diff dump`: a row only the first dump has (`-`), only the second (`+`), or a
/// marker both print.
public enum DumpDiffLine: Sendable, Equatable {
  case removed(PtdumpRow)
  case added(PtdumpRow)
}

/// `diff dump A B`.
public struct DumpDiffEvent: Sendable {
  public var first: DumpDiffSide
  public var second: DumpDiffSide
  public var format: DumpFormat
  public var lines: [DumpDiffLine]
  public var range: SourceRange
}
