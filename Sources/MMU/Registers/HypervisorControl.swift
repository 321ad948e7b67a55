/// HCR_EL2's translation controls, by name. The walker, the TLB and the interpreter read HCR
/// through this one decoder, so a field's bit position is written down once.
public struct HypervisorControl: Sendable, Equatable {
  public var raw: UInt64
  @inline(__always) public init(_ raw: UInt64) { self.raw = raw }

  /// VM: stage 2 translates EL1&0 accesses.
  @inline(__always) public var vm: Bool { raw & bit(0) != 0 }
  /// PTW: a stage-1 table walk to stage-2 Device memory is a stage-2 Permission fault.
  public var ptw: Bool { raw & bit(2) != 0 }
  /// DC: EL1&0 stage 1 behaves as disabled with Normal WB output, and stage 2 as enabled.
  @inline(__always) public var dc: Bool { raw & bit(12) != 0 }
  /// TGE: EL1&0 stage 1 behaves as disabled; with E2H, EL0 belongs to EL2&0.
  @inline(__always) public var tge: Bool { raw & bit(27) != 0 }
  /// CD: stage-2 Normal memory is Non-cacheable for data accesses and table walks.
  public var cd: Bool { raw & bit(32) != 0 }
  /// E2H: EL2 runs the EL2&0 regime (VHE); TCR_EL2 has the EL1 layout.
  @inline(__always) public var e2h: Bool { raw & bit(34) != 0 }
  /// FWB: stage 2 decides the memory type (FEAT_S2FWB).
  public var fwb: Bool { raw & bit(46) != 0 }
  /// DCT: with DC, the stage-1 output is Tagged (FEAT_MTE2).
  public var dct: Bool { raw & bit(57) != 0 }

  /// E2H and TGE both set: the EL1&0 controls (VM, DC) behave as 0.
  @inline(__always) public var vheHost: Bool { e2h && tge }
  /// Stage 2 applies to EL1&0 (VM, or DC which behaves as if VM were set).
  @inline(__always) public var stage2Enabled: Bool { (vm || dc) && !vheHost }
  /// DC in effect (it behaves as 0 with E2H and TGE set).
  public var defaultCacheable: Bool { dc && !vheHost }
}
