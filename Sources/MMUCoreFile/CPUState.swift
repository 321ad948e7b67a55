/// A CPU's state from its NT_PRSTATUS note (`struct elf_prstatus` with arm64's
/// `user_pt_regs`: x0-x30, sp, pc, pstate).
public struct CPUState: Equatable, Sendable {
  public var x: [UInt64]
  public var sp: UInt64
  public var pc: UInt64
  public var pstate: UInt64
  /// The Exception level the CPU was at: PSTATE.M[3:2] (Arm ARM, SPSR_ELx.M[3:2]).
  public var exceptionLevel: Int { Int((pstate >> 2) & 3) }

  static let noteType: UInt32 = 1
  /// pr_reg's offset in arm64's elf_prstatus: siginfo (12), cursig and padding (4),
  /// sigpend and sighold (16), four pids (16), four timevals (64).
  static let registersOffset = 112
  static let registersSize = 34 * 8

  /// The state in a PRSTATUS note ("CORE", type 1).
  public init(note: ELFNote) throws(CoreFileError) {
    let need = Self.registersOffset + Self.registersSize
    guard note.descriptor.count >= need else {
      throw .badValue(
        key: "NT_PRSTATUS", value: "\(note.descriptor.count) bytes",
        reason: "an arm64 elf_prstatus holds at least \(need)")
    }
    let d = note.descriptor
    let base = Self.registersOffset
    x = (0..<31).map { d.le64(base + 8 * $0) }
    sp = d.le64(base + 31 * 8)
    pc = d.le64(base + 32 * 8)
    pstate = d.le64(base + 33 * 8)
  }

  /// The PRSTATUS notes of a core, one a CPU, in order.
  public static func all(in notes: [ELFNote]) throws(CoreFileError) -> [CPUState] {
    var out: [CPUState] = []
    for n in notes where n.name == "CORE" && n.type == noteType {
      out.append(try CPUState(note: n))
    }
    return out
  }
}
