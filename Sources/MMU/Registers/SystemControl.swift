/// SCTLR_EL1 / SCTLR_EL2 fields the MMU reads, by name.
public struct SystemControl: Sendable, Equatable {
  public var raw: UInt64
  @inline(__always) public init(_ raw: UInt64) { self.raw = raw }

  /// M: stage 1 enabled.
  @inline(__always) public var m: Bool { raw & bit(0) != 0 }
  /// C: data cacheability.
  public var c: Bool { raw & bit(2) != 0 }
  /// I: instruction cacheability (with M=0, instruction fetches are Normal WT when set).
  public var i: Bool { raw & bit(12) != 0 }
  /// WXN: writable memory is execute-never.
  public var wxn: Bool { raw & bit(19) != 0 }
  /// EPAN: with FEAT_PAN3, PAN also covers EL0-executable memory.
  public var epan: Bool { raw & bit(57) != 0 }
}
