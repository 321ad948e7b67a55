/// A TTL hint (architecture.md §10.4): the level (and granule) of the leaf that maps the address. A
/// hinted operation removes only leaf entries of that level and granule, which never removes less
/// than the unhinted operation when the hint is right; with a wrong hint the entry stays, as
/// hardware may leave it.
public struct TTLHint: Sendable, Equatable {
  public var level: Int
  /// nil: any granule (a hint given as `level N`).
  public var granule: Granule?

  public init(level: Int, granule: Granule? = nil) {
    self.level = level
    self.granule = granule
  }

  /// Decodes TTL[3:0] = TG:level (TG 01 4K, 10 16K, 11 64K). TG 00 and the encodings no leaf
  /// can have (level 0 with 16K or 64K) mean no hint.
  public init?(ttl: UInt64) {
    let level = Int(ttl & 3)
    switch (ttl >> 2) & 3 {
    case 1: granule = .k4
    case 2 where level > 0: granule = .k16
    case 3 where level > 0: granule = .k64
    default: return nil
    }
    self.level = level
  }

  public func allows(granule g: Granule, level l: Int) -> Bool {
    l == level && (granule == nil || granule == g)
  }
}
