import MMU

/// The system registers mmush reads from a live CPU, each with the names a QEMU target
/// description may give it: QEMU 7.2 calls SCTLR_EL1 `SCTLR`, later versions may not.
public enum LiveRegisters {
  /// Registers every AArch64 CPU has.
  public static let el1: [(SystemRegister, [String])] = [
    (.ttbr0_el1, ["TTBR0_EL1"]), (.ttbr1_el1, ["TTBR1_EL1"]), (.tcr_el1, ["TCR_EL1"]),
    (.mair_el1, ["MAIR_EL1"]), (.sctlr_el1, ["SCTLR_EL1", "SCTLR"]),
    (.id_aa64mmfr0_el1, ["ID_AA64MMFR0_EL1"]), (.id_aa64mmfr1_el1, ["ID_AA64MMFR1_EL1"]),
    (.id_aa64mmfr2_el1, ["ID_AA64MMFR2_EL1"]),
  ]
  /// Registers of a CPU with EL2 (`-M virt,virtualization=on`): read when HCR_EL2 is listed.
  public static let el2: [(SystemRegister, [String])] = [
    (.hcr_el2, ["HCR_EL2"]), (.ttbr0_el2, ["TTBR0_EL2"]), (.tcr_el2, ["TCR_EL2"]),
    (.mair_el2, ["MAIR_EL2"]), (.sctlr_el2, ["SCTLR_EL2"]), (.vttbr_el2, ["VTTBR_EL2"]),
    (.vtcr_el2, ["VTCR_EL2"]),
  ]
  /// Read when listed (TTBR1_EL2 exists with FEAT_VHE only).
  public static let optional: [(SystemRegister, [String])] = [
    (.ttbr1_el2, ["TTBR1_EL2"]), (.par_el1, ["PAR_EL1"]),
  ]
  /// PSTATE as the core description names it.
  public static let pstate = ["cpsr", "pstate"]
}

/// One vCPU as read from the stub.
public struct LiveCPU: Sendable, Equatable {
  /// The thread id as the stub spells it (`1`, `p1.2`).
  public var thread: String
  public var registers: [SystemRegister: UInt64]
  public var pstate: UInt64
  /// The exception level, PSTATE.EL (bits [3:2]).
  public var el: Int { Int((pstate >> 2) & 3) }
  public var hasEL2: Bool { registers[.hcr_el2] != nil }
}
