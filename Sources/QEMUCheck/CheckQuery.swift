import MMU

/// One question put to both implementations: `AT operation, va` with these registers and
/// this memory.
public struct CheckQuery {
  public var registers: RegisterFile
  public var operation: A64ATOperation
  /// The exception level the model executes the AT at: 2 (as the image's EL3 does: a
  /// stage-2 fault on a stage-1 walk is reported in PAR), or 1 for S1E0*/S1E1* while
  /// HCR_EL2.{E2H,TGE} = {1,1} (from EL3 they translate EL1&0, from EL2 they would not).
  public var modelEL: Int
  public var va: UInt64
  public var memory: MemorySnapshot

  public init(
    registers: RegisterFile, operation: A64ATOperation, va: UInt64, memory: MemorySnapshot
  ) {
    self.registers = registers
    self.operation = operation
    self.va = va
    self.memory = memory
    let s1 = [.s1e0r, .s1e0w, .s1e1r, .s1e1w].contains(operation)
    modelEL = s1 && registers.e2h && registers.tge ? 1 : 2
  }

  /// HCR_EL2.HA/HD-style hardware updates enabled anywhere: the query may write memory.
  var mayUpdateTables: Bool {
    let r = registers
    let tcr1 = r[.tcr_el1] & (3 << 39) != 0
    let tcr2 = r.e2h ? r[.tcr_el2] & (3 << 39) != 0 : r[.tcr_el2] & (3 << 21) != 0
    let vtcr = r[.vtcr_el2] & (3 << 21) != 0
    return tcr1 || tcr2 || vtcr
  }
}

/// mmush's side of one query, computed before QEMU runs.
public enum ModelAnswer {
  /// The PAR_EL1 the model's AT writes, and the descriptor fetches of its walk.
  case par(UInt64, steps: [WalkStep])
  /// The query is not put to QEMU, and why.
  case notComparable(String)
  /// QEMU is known to abort on this query (a departure with `abortsQEMU`).
  case wouldAbortQEMU(QEMUDeparture)
}
