extension Machine {
  /// An EL1&0 stage-1 access alone (the `s1` regime word). With stage 2 enabled the stage-1
  /// table addresses are IPAs, so each descriptor is still fetched through stage 2 (the
  /// pseudocode's AArch64.S1Translate fetches each descriptor via AArch64.S2Translate), and
  /// the output is the IPA, as AT S1E1R returns it (docs/model.md, AT and PAR_EL1). Such an access uses no TLB: entries of a two-stage regime
  /// cache the combined VA→PA translation, which cannot answer with an IPA. Without stage 2
  /// it is an EL1 access like any other.
  public func stage1Access(
    cpu c: CPU, address: UInt64, access a: AccessType, trace: Bool = false, useTLB: Bool = true
  ) -> AccessResult {
    guard c.registers.stage2Enabled else {
      return self.access(
        cpu: c, context: AccessContext(regime: .el10), address: address, access: a,
        trace: trace, useTLB: useTLB)
    }
    return stage1OnlyAccess(
      cpu: c, context: AccessContext(regime: .el10, stage2: true), va: address, access: a,
      trace: trace)
  }
}
