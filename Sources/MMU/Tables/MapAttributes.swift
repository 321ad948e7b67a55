/// What a mapping grants and how memory behaves, in the words `map` takes. The default is
/// Linux's PAGE_KERNEL: read-write at EL1, never executable, AF set, inner shareable, Normal
/// write-back, global.
public struct MapAttributes: Sendable, Equatable {
  public var writable = true
  public var readable = true
  /// EL0 may access (AP[1] at stage 1).
  public var user = false
  /// Executable at the privileged level (PXN clear).
  public var privExec = false
  /// Executable at EL0 (UXN clear); Linux then sets PXN.
  public var userExec = false
  public var memory: MemoryType = .normal
  public var shareability: Shareability = .inner
  public var notGlobal = false
  public var accessFlag = true
  public var contiguous = false
  public var dbm = false
  /// Explicit PXN/UXN words, applied last.
  public var forcePXN = false
  public var forceUXN = false

  public init() {}

  /// The leaf's attribute bits (everything but the address and bits[1:0]) for `format`.
  public func leafBits(format: DescriptorFormat, mair: UInt64, ds: Bool) throws(AttributeError)
    -> UInt64
  {
    var d: UInt64 = 0
    if accessFlag { d |= bit(10) }
    if !ds { d |= shareability.rawValue << 8 }
    if contiguous { d |= bit(52) }
    if dbm { d |= bit(51) }
    switch format {
    case .stage2:
      d |= memory.stage2MemAttr << 2
      // S2AP: bit 6 read, bit 7 write.
      if readable { d |= bit(6) }
      if writable { d |= bit(7) }
      // XN[1:0]: 00 executable at EL0 and EL1, 10 at neither.
      if !(privExec || userExec) || forceUXN || forcePXN { d |= 0b10 << 53 }
    case .stage1TwoRange, .stage1OneRange:
      let index: Int
      switch memory {
      case .index(let n):
        guard (0...7).contains(n) else { throw .indexOutOfRange(n, max: 7) }
        index = n
      default:
        guard let want = memory.mairByte,
          let i = (0..<8).first(where: { (mair >> UInt64(8 * $0)) & 0xff == UInt64(want) })
        else { throw .noMAIREntry(memory, mair: mair) }
        index = i
      }
      d |= UInt64(index) << 2
      if format == .stage1OneRange {
        // AP[1] is RES1 in one-range regimes: 0b01 read-write, 0b11 read-only (architecture.md
        // §8.4).
        d |= (writable ? 0b01 : 0b11) << 6
        if !privExec || forceUXN { d |= bit(54) }
      } else {
        let ap: UInt64 = (writable ? 0 : 0b10) | (user ? 0b01 : 0)
        d |= ap << 6
        if notGlobal { d |= bit(11) }
        // `user x` is EL0 execution with PXN set, as Linux maps user text.
        let pxn = !privExec || userExec || forcePXN
        let uxn = !userExec || forceUXN
        if pxn { d |= bit(53) }
        if uxn { d |= bit(54) }
      }
    }
    return d
  }
}
