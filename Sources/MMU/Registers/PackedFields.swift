/// The fields of a type that keeps its small values packed in one word (`Translation`,
/// `StageSetup`, `Fault`, `Geometry`, `AccessContext`, `StageLeaf`): a copy of such a type moves
/// whole words instead of a byte per field. Each type names its own shifts and masks.
extension FixedWidthInteger where Self: UnsignedInteger {
  /// The field of `mask`'s width at `shift`.
  @inline(always)
  func packedField(_ shift: Self, _ mask: Self) -> Self { self &>> shift & mask }

  /// Replaces the field of `mask`'s width at `shift` with `value`, truncated to the width.
  @inline(always)
  mutating func setPackedField(_ shift: Self, _ mask: Self, _ value: Self) {
    self = self & ~(mask &<< shift) | (value & mask) &<< shift
  }

  /// Whether any bit of `flag` is set.
  @inline(always)
  func hasFlag(_ flag: Self) -> Bool { self & flag != 0 }

  /// Sets or clears the bits of `flag`.
  @inline(always)
  mutating func setFlag(_ flag: Self, _ on: Bool) { self = on ? self | flag : self & ~flag }
}
