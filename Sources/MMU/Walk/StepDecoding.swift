/// The controls a walk step's descriptor is read against, so that a view can decode it
/// without the registers: the regime (descriptor format), granule, LPA2 format, output size,
/// the MAIR AttrIndx selects from, and the TCR/VTCR shareability used when DS=1.
public struct StepDecoding: Sendable, Equatable {
  public var regime: Regime
  public var granule: Granule
  public var ds: Bool
  public var outputBits: Int
  public var mair: UInt64
  public var tcrShareability: UInt64
  public var paMax: Int

  public init(
    regime: Regime, granule: Granule, ds: Bool, outputBits: Int, mair: UInt64,
    tcrShareability: UInt64, paMax: Int
  ) {
    self.regime = regime
    self.granule = granule
    self.ds = ds
    self.outputBits = outputBits
    self.mair = mair
    self.tcrShareability = tcrShareability
    self.paMax = paMax
  }

  public init(_ setup: StageSetup) {
    self.init(
      regime: setup.regime, granule: setup.geometry.granule, ds: setup.geometry.ds,
      outputBits: setup.outputBits, mair: setup.mair, tcrShareability: setup.tcrShareability,
      paMax: setup.paMax)
  }

  public var format: DescriptorFormat { DescriptorFormat(regime: regime) }
}
