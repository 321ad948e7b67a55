/// A general-purpose register operand, X0...X30; 31 is XZR or SP depending on the encoding.
public struct A64Register: Sendable, Equatable {
  public let number: UInt32
  public init(_ number: UInt32) { self.number = number & 31 }
  public static let xzr = A64Register(31)
  public static let sp = A64Register(31)
  public static func x(_ n: UInt32) -> A64Register { A64Register(n) }
}

/// The AArch64 instructions the check image is made of, one 32-bit word each.
///
/// Each function names its Arm ARM encoding class (section C6/C4 "A64 instruction set
/// encoding"). Offsets of branches and ADR are byte distances from the instruction itself.
/// Only the forms the image needs exist; every operand is masked to its field, and a
/// distance that does not fit its field is a programming error the builder checks for.
public enum A64 {
  /// MOVZ Xd, #imm16, LSL #(16*hw): "Move wide (immediate)", sf=1 opc=10.
  public static func movz(_ d: A64Register, _ imm16: UInt16, shift hw: UInt32 = 0) -> UInt32 {
    0xD280_0000 | (hw & 3) << 21 | UInt32(imm16) << 5 | d.number
  }

  /// MOVK Xd, #imm16, LSL #(16*hw): "Move wide (immediate)", sf=1 opc=11.
  public static func movk(_ d: A64Register, _ imm16: UInt16, shift hw: UInt32) -> UInt32 {
    0xF280_0000 | (hw & 3) << 21 | UInt32(imm16) << 5 | d.number
  }

  /// Loads a 64-bit constant: MOVZ for the low half-word, then MOVK for each non-zero one.
  public static func movConstant(_ d: A64Register, _ value: UInt64) -> [UInt32] {
    var words = [movz(d, UInt16(truncatingIfNeeded: value))]
    for hw in 1..<4 {
      let part = UInt16(truncatingIfNeeded: value >> (16 * UInt64(hw)))
      if part != 0 { words.append(movk(d, part, shift: UInt32(hw))) }
    }
    return words
  }

  /// MSR <sysreg>, Xt: "System register move", L=0.
  public static func msr(_ r: A64SystemRegister, _ t: A64Register) -> UInt32 {
    0xD510_0000 | r.encodingFields | t.number
  }

  /// MRS Xt, <sysreg>: "System register move", L=1.
  public static func mrs(_ t: A64Register, _ r: A64SystemRegister) -> UInt32 {
    0xD530_0000 | r.encodingFields | t.number
  }

  /// SYS #op1, Cn, Cm, #op2, Xt: "System instruction" (op0=01, L=0); AT and TLBI are aliases.
  public static func sys(op1: UInt32, crn: UInt32, crm: UInt32, op2: UInt32, _ t: A64Register)
    -> UInt32
  {
    0xD508_0000 | (op1 & 7) << 16 | (crn & 15) << 12 | (crm & 15) << 8 | (op2 & 7) << 5
      | t.number
  }

  /// AT <op>, Xt: SYS #op1, C7, C8, #op2 ("Address translate" aliases of SYS).
  public static func at(_ op: A64ATOperation, _ t: A64Register) -> UInt32 {
    sys(op1: op.op1, crn: 7, crm: 8, op2: op.op2, t)
  }

  /// TLBI ALLE1: SYS #4, C8, C7, #4, XZR.
  public static let tlbiALLE1 = sys(op1: 4, crn: 8, crm: 7, op2: 4, .xzr)
  /// TLBI ALLE2: SYS #4, C8, C7, #0, XZR.
  public static let tlbiALLE2 = sys(op1: 4, crn: 8, crm: 7, op2: 0, .xzr)
  /// DSB SY: "Barriers", CRm=1111 opc=00.
  public static let dsbSY: UInt32 = 0xD503_3F9F
  /// ISB: "Barriers", CRm=1111 opc=10.
  public static let isb: UInt32 = 0xD503_3FDF
  /// ERET: "Unconditional branch (register)", opc=0100.
  public static let eret: UInt32 = 0xD69F_03E0

  /// HLT #imm16: "Exception generation", opc=010 LL=00 (HLT #0xF000 is the A64 semihosting call).
  public static func hlt(_ imm16: UInt16) -> UInt32 { 0xD440_0000 | UInt32(imm16) << 5 }

  /// LDR Xt, [Xn, #imm]: "Load/store register (unsigned immediate)", size=11 opc=01; imm a
  /// multiple of 8 below 32768.
  public static func ldr(_ t: A64Register, _ n: A64Register, offset: UInt32) -> UInt32 {
    0xF940_0000 | ((offset / 8) & 0xFFF) << 10 | n.number << 5 | t.number
  }

  /// STR Xt, [Xn, #imm]: "Load/store register (unsigned immediate)", size=11 opc=00.
  public static func str(_ t: A64Register, _ n: A64Register, offset: UInt32) -> UInt32 {
    0xF900_0000 | ((offset / 8) & 0xFFF) << 10 | n.number << 5 | t.number
  }

  /// LDR Xt, [Xn], #imm: "Load/store register (immediate post-indexed)", size=11 opc=01.
  public static func ldrPost(_ t: A64Register, _ n: A64Register, _ imm9: Int32) -> UInt32 {
    0xF840_0400 | (UInt32(bitPattern: imm9) & 0x1FF) << 12 | n.number << 5 | t.number
  }

  /// LDP Xt1, Xt2, [Xn], #imm: "Load/store register pair (post-indexed)", opc=10 L=1; imm a
  /// multiple of 8.
  public static func ldpPost(_ t1: A64Register, _ t2: A64Register, _ n: A64Register, _ imm: Int32)
    -> UInt32
  {
    0xA8C0_0000 | (UInt32(bitPattern: imm / 8) & 0x7F) << 15 | t2.number << 10 | n.number << 5
      | t1.number
  }

  /// STP Xt1, Xt2, [Xn], #imm: "Load/store register pair (post-indexed)", opc=10 L=0.
  public static func stpPost(_ t1: A64Register, _ t2: A64Register, _ n: A64Register, _ imm: Int32)
    -> UInt32
  {
    0xA880_0000 | (UInt32(bitPattern: imm / 8) & 0x7F) << 15 | t2.number << 10 | n.number << 5
      | t1.number
  }

  /// ADD Xd, Xn, #imm12: "Add/subtract (immediate)", sf=1 op=0 S=0 sh=0.
  public static func addImmediate(_ d: A64Register, _ n: A64Register, _ imm12: UInt32) -> UInt32 {
    0x9100_0000 | (imm12 & 0xFFF) << 10 | n.number << 5 | d.number
  }

  /// SUB Xd, Xn, #imm12: "Add/subtract (immediate)", sf=1 op=1 S=0 sh=0.
  public static func subImmediate(_ d: A64Register, _ n: A64Register, _ imm12: UInt32) -> UInt32 {
    0xD100_0000 | (imm12 & 0xFFF) << 10 | n.number << 5 | d.number
  }

  /// CMP Xn, #imm12 (SUBS XZR, Xn, #imm12): "Add/subtract (immediate)", sf=1 op=1 S=1.
  public static func cmpImmediate(_ n: A64Register, _ imm12: UInt32) -> UInt32 {
    0xF100_0000 | (imm12 & 0xFFF) << 10 | n.number << 5 | 31
  }

  /// ORR Xd, Xn, Xm: "Logical (shifted register)", sf=1 opc=01 shift=LSL #0 (MOV Xd, Xm when
  /// Xn is XZR).
  public static func orr(_ d: A64Register, _ n: A64Register, _ m: A64Register) -> UInt32 {
    0xAA00_0000 | m.number << 16 | n.number << 5 | d.number
  }

  /// B label: "Unconditional branch (immediate)", op=0; `offset` in bytes, a multiple of 4.
  public static func b(offset: Int32) -> UInt32 {
    0x1400_0000 | (UInt32(bitPattern: offset >> 2) & 0x03FF_FFFF)
  }

  /// B.cond label: "Conditional branch (immediate)".
  public static func bCond(_ cond: A64Condition, offset: Int32) -> UInt32 {
    0x5400_0000 | (UInt32(bitPattern: offset >> 2) & 0x7_FFFF) << 5 | cond.rawValue
  }

  /// CBZ Xt, label: "Compare and branch (immediate)", sf=1 op=0.
  public static func cbz(_ t: A64Register, offset: Int32) -> UInt32 {
    0xB400_0000 | (UInt32(bitPattern: offset >> 2) & 0x7_FFFF) << 5 | t.number
  }

  /// CBNZ Xt, label: "Compare and branch (immediate)", sf=1 op=1.
  public static func cbnz(_ t: A64Register, offset: Int32) -> UInt32 {
    0xB500_0000 | (UInt32(bitPattern: offset >> 2) & 0x7_FFFF) << 5 | t.number
  }

  /// ADR Xd, label: "PC-rel. addressing", op=0; `offset` within ±1 MiB.
  public static func adr(_ d: A64Register, offset: Int32) -> UInt32 {
    let imm = UInt32(bitPattern: offset) & 0x1F_FFFF
    return 0x1000_0000 | (imm & 3) << 29 | (imm >> 2) << 5 | d.number
  }
}

/// Condition codes of B.cond (Arm ARM C1.2.4).
public enum A64Condition: UInt32, Sendable {
  case eq = 0
  case ne = 1
}
