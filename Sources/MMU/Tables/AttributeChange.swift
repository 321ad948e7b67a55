/// The attributes `protect` names; everything not named stays as the descriptor has it.
public struct AttributeChange: Sendable, Equatable {
  public var writable: Bool?
  public var readable: Bool?
  public var user: Bool?
  public var privExec: Bool?
  public var userExec: Bool?
  public var memory: MemoryType?
  public var shareability: Shareability?
  public var notGlobal: Bool?
  public var accessFlag: Bool?
  public var contiguous: Bool?
  public var pxn: Bool?
  public var uxn: Bool?
  public init() {}

  /// The descriptor with the named fields re-encoded for `format`.
  public func apply(to raw: UInt64, format: DescriptorFormat, mair: UInt64, ds: Bool)
    throws(AttributeError) -> UInt64
  {
    var r = raw
    if let accessFlag { r = withBitField(r, 10, 10, accessFlag ? 1 : 0) }
    if let contiguous { r = withBitField(r, 52, 52, contiguous ? 1 : 0) }
    if let shareability, !ds { r = withBitField(r, 9, 8, shareability.rawValue) }
    switch format {
    case .stage2:
      if let memory { r = withBitField(r, 5, 2, memory.stage2MemAttr) }
      if let readable { r = withBitField(r, 6, 6, readable ? 1 : 0) }
      if let writable { r = withBitField(r, 7, 7, writable ? 1 : 0) }
      let exec = privExec ?? userExec
      if let exec { r = withBitField(r, 54, 53, exec ? 0 : 0b10) }
      if pxn == true || uxn == true { r = withBitField(r, 54, 53, 0b10) }
    case .stage1TwoRange, .stage1OneRange:
      if let memory {
        var probe = MapAttributes()
        probe.memory = memory
        let bits = try probe.leafBits(format: format, mair: mair, ds: ds)
        r = withBitField(r, 4, 2, bitField(bits, 4, 2))
      }
      if format == .stage1OneRange {
        if let writable { r = withBitField(r, 7, 6, writable ? 0b01 : 0b11) }
        if let privExec { r = withBitField(r, 54, 54, privExec ? 0 : 1) }
        if let uxn { r = withBitField(r, 54, 54, uxn ? 1 : 0) }
      } else {
        if let writable { r = withBitField(r, 7, 7, writable ? 0 : 1) }
        if let user { r = withBitField(r, 6, 6, user ? 1 : 0) }
        if let notGlobal { r = withBitField(r, 11, 11, notGlobal ? 1 : 0) }
        if let privExec { r = withBitField(r, 53, 53, privExec ? 0 : 1) }
        if let userExec {
          r = withBitField(r, 54, 54, userExec ? 0 : 1)
          if userExec { r = withBitField(r, 53, 53, 1) }
        }
        if let pxn { r = withBitField(r, 53, 53, pxn ? 1 : 0) }
        if let uxn { r = withBitField(r, 54, 54, uxn ? 1 : 0) }
      }
    }
    return r
  }
}
