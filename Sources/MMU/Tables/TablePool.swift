/// An allocator of translation-table pages over a range of (intermediate) physical addresses.
/// Tables are granule-sized and aligned; a stage-2 start level of concatenated tables is one
/// run aligned to its total size. Freed pages are reused first, lowest address first, so the
/// same script always places its tables at the same addresses.
public final class TablePool {
  public let base: UInt64
  public let size: UInt64
  /// The next never-used address.
  private var bump: UInt64
  /// Freed runs by size, each list kept sorted so reuse is deterministic.
  private var freeRuns: [UInt64: [UInt64]] = [:]
  public private(set) var bytesInUse: UInt64 = 0

  public init(base: UInt64, size: UInt64) {
    self.base = base
    self.size = size
    self.bump = base
  }

  public var end: UInt64 { base &+ size }
  public func contains(_ a: UInt64) -> Bool { a >= base && a - base < size }

  /// A run of `bytes` aligned to `bytes` (a power of two, at least 8).
  public func allocate(bytes: UInt64) throws(PoolError) -> UInt64 {
    if var list = freeRuns[bytes], !list.isEmpty {
      let a = list.removeFirst()
      freeRuns[bytes] = list
      bytesInUse += bytes
      return a
    }
    let aligned = (bump &+ (bytes &- 1)) & ~(bytes &- 1)
    let (end, o) = aligned.addingReportingOverflow(bytes)
    guard !o, aligned >= bump, end <= self.end else {
      throw .exhausted(pool: base, size: size, needed: bytes)
    }
    // The gap left by alignment is kept for later single-granule tables.
    var gap = bump
    while gap < aligned {
      let step = aligned - gap
      let piece = UInt64(1) << UInt64(63 - step.leadingZeroBitCount)
      let fit = min(piece, UInt64(1) << UInt64(gap.trailingZeroBitCount))
      freeRuns[fit, default: []].append(gap)
      gap += fit
    }
    bump = end
    bytesInUse += bytes
    return aligned
  }

  public func free(_ address: UInt64, bytes: UInt64) {
    var list = freeRuns[bytes, default: []]
    let i = list.firstIndex { $0 > address } ?? list.count
    list.insert(address, at: i)
    freeRuns[bytes] = list
    bytesInUse -= min(bytes, bytesInUse)
  }

  /// Bytes still available (never used plus freed).
  public var bytesFree: UInt64 { size - bytesInUse }
}
