/// The memory type a mapping asks for; its encoding depends on the regime (AttrIndx into
/// MAIR at stage 1, MemAttr at stage 2).
public enum MemoryType: Sendable, Equatable {
  case normal
  case nonCacheable
  case writeThrough
  case device(DeviceType)
  /// A raw AttrIndx (stage 1) or MemAttr (stage 2).
  case index(Int)

  /// The architectural names of the Device memory types (MAIR Attr<n> 0b0000dd00).
  // swift-format-ignore: AlwaysUseLowerCamelCase
  public enum DeviceType: UInt8, Sendable {
    case nGnRnE = 0x00
    case nGnRE = 0x04
    case nGRE = 0x08
    case GRE = 0x0c
  }

  /// The MAIR byte that means this type, for a search in MAIR_ELx.
  var mairByte: UInt8? {
    switch self {
    case .normal: 0xff
    case .nonCacheable: 0x44
    case .writeThrough: 0xbb
    case .device(let d): d.rawValue
    case .index: nil
    }
  }

  /// Stage-2 MemAttr[3:0] for this type (FWB=0): WB 0b1111, NC 0b0101, WT 0b1010, Device 00xx.
  var stage2MemAttr: UInt64 {
    switch self {
    case .normal: 0b1111
    case .nonCacheable: 0b0101
    case .writeThrough: 0b1010
    case .device(let d): UInt64(d.rawValue >> 2)
    case .index(let n): UInt64(truncatingIfNeeded: n) & 0xf
    }
  }
}
