/// Stage 1 disabled (AArch64.S1DisabledOutput): no table is read, the output address is
/// VA<55:0>, and the attributes are the architecture's defaults for the access.
extension Walker {
  /// The flat "leaf" of a regime whose stage 1 is off (`RegisterFile.stage1Enabled`).
  ///
  /// The range check honours TBI: VA<AddrTop:PAMax> must be zero, AddrTop from
  /// AArch64.AddrTop for the range VA[55] selects (else an Address size fault, level 0,
  /// stage 1). Attributes: with HCR_EL2.DC (EL1&0), Normal Inner/Outer Write-Back
  /// Read/Write-Allocate non-transient, Non-shareable (0xFF; 0xF0 Tagged with HCR_EL2.DCT);
  /// else instruction fetches are Normal Outer Shareable, Write-Through Read-Allocate (0xAA)
  /// with SCTLR.I=1 or Non-cacheable (0x44), and data accesses Device-nGnRnE Outer Shareable.
  static func stage1DisabledLeaf(
    _ registers: RegisterFile, regime: Regime, va: UInt64, access: AccessType
  ) -> Result<StageLeaf, Fault> {
    let top = registers.rangeControl(regime, va: va).addressTop(access)
    let paMax = registers.features.paMax
    guard bitField(va, top, paMax) == 0 else {
      return .failure(Fault(.addressSize, level: 0, write: access == .write))
    }
    let attribute: UInt64
    let shareability: Shareability
    let hcr = registers.hcr
    if regime == .el10 && hcr.defaultCacheable {
      attribute = hcr.dct ? 0xf0 : 0xff
      shareability = .none
    } else if access == .exec {
      attribute = registers.sctlr(regime).i ? 0xaa : 0x44
      shareability = .outer
    } else {
      attribute = 0x00
      shareability = .outer
    }
    return .success(
      StageLeaf(
        output: va & lowMask(56), level: 0, blockBits: 12, descriptor: 0, permissions: .all,
        attribute: attribute, shareability: shareability, global: true, contiguous: false))
  }
}
