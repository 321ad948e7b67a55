/// What an AT instruction does: writes PAR_EL1, or (for a stage-2 fault on a stage-1 table
/// walk of AT S1E0*/S1E1* executed at EL1) takes a Data Abort to EL2 instead (architecture.md
/// §9.3).
public enum ATResult: Sendable, Equatable {
  case par(UInt64)
  case exceptionToEL2(Fault)
}
