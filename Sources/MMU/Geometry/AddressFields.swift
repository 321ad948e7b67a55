/// One field of an input address as a geometry reads it (memory.rst's drawing, architecture.md
/// §2.2).
public struct AddressField: Sendable, Equatable {
  public enum Role: Sendable, Equatable {
    /// Bits [63:IA]: the range select (two ranges) or bits that must be zero.
    case top
    /// Which of the concatenated start-level tables (stage 2, architecture.md §5.3).
    case table(level: Int)
    /// The index into the table at a level (within one table when concatenated).
    case index(level: Int)
    /// The offset within the page.
    case offset
  }
  public var role: Role
  public var hi: Int
  public var lo: Int
  public var value: UInt64
  public var width: Int { hi - lo + 1 }
}

extension Geometry {
  /// `address` split as this geometry reads it (TBI not considered: bits [63:56] are part of
  /// the top field).
  public func breakdown(_ address: UInt64, twoRanges: Bool) -> AddressBreakdown {
    let ia = min(max(inputBits, granule.bits + 1), 63)
    let upper = twoRanges && address & bit(55) != 0
    let top = bitField(address, 63, ia)
    let inRange = top == (upper ? lowMask(64 - ia) : 0)
    var fields = [AddressField(role: .top, hi: 63, lo: ia, value: top)]
    let startLo = levelShift(startLevel)
    let startIndex = Int(truncatingIfNeeded: bitField(address, ia - 1, startLo))
    let concatenated = concatenatedTables > 1
    for level in startLevel...3 {
      let lo = levelShift(level)
      var hi = level == startLevel ? ia - 1 : lo + granule.stride - 1
      if level == startLevel && concatenated {
        let split = lo + granule.stride
        fields.append(
          AddressField(
            role: .table(level: level), hi: hi, lo: split, value: bitField(address, hi, split)))
        hi = split - 1
      }
      fields.append(
        AddressField(role: .index(level: level), hi: hi, lo: lo, value: bitField(address, hi, lo)))
    }
    fields.append(
      AddressField(
        role: .offset, hi: granule.bits - 1, lo: 0, value: address & lowMask(granule.bits)))
    let tableBits = concatenated ? granule.stride : max(startIndexBits, 0)
    return AddressBreakdown(
      address: address, geometry: self, twoRanges: twoRanges, upper: upper, inRange: inRange,
      fields: fields, startIndex: startIndex,
      startTable: startIndex >> tableBits,
      startTableIndex: startIndex & Int(lowMask(tableBits)))
  }
}
