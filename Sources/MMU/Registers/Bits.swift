/// Small bit-field helpers. Every register and descriptor field in the model is read through
/// these, so that no shift by an input-derived amount can trap.
@inlinable @inline(__always)
public func bitField(_ value: UInt64, _ hi: Int, _ lo: Int) -> UInt64 {
  guard lo >= 0, hi >= lo, lo < 64 else { return 0 }
  let width = min(hi, 63) - lo + 1
  let shifted = value >> UInt64(lo)
  return width >= 64 ? shifted : shifted & ((1 << UInt64(width)) - 1)
}

/// A mask with bits hi..lo set (inclusive). Out-of-range arguments give the clamped mask.
@inlinable @inline(__always)
public func bitMask(_ hi: Int, _ lo: Int) -> UInt64 {
  guard hi >= lo, lo < 64, hi >= 0 else { return 0 }
  let h = min(hi, 63)
  let l = max(lo, 0)
  let upper: UInt64 = h == 63 ? ~0 : (1 << UInt64(h + 1)) &- 1
  let lower: UInt64 = (1 << UInt64(l)) &- 1
  return upper & ~lower
}

/// Bit n set, or 0 when n is outside 0...63.
@inlinable @inline(__always)
public func bit(_ n: Int) -> UInt64 {
  (0..<64).contains(n) ? 1 << UInt64(n) : 0
}

/// Returns `value` with bits hi..lo replaced by `field` (truncated to the field's width).
@inlinable @inline(__always)
public func withBitField(_ value: UInt64, _ hi: Int, _ lo: Int, _ field: UInt64) -> UInt64 {
  let m = bitMask(hi, lo)
  guard lo >= 0, lo < 64 else { return value }
  return (value & ~m) | ((field << UInt64(lo)) & m)
}

/// The low `n` bits of an address (n may be 0...64).
@inlinable @inline(__always)
public func lowMask(_ n: Int) -> UInt64 {
  n <= 0 ? 0 : (n >= 64 ? ~0 : (1 << UInt64(n)) - 1)
}
