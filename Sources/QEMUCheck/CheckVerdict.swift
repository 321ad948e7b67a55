import MMU

/// How one query came out.
public enum CheckVerdict {
  case agree(DecodedPAR)
  /// mmush's PAR, QEMU's PAR.
  case differ(model: UInt64, qemu: UInt64)
  /// The answers differ only as these known QEMU departures say they do.
  case knownDifference([QEMUDeparture], model: UInt64, qemu: UInt64)
  /// The AT took an exception in QEMU (ESR_EL3), where mmush writes `model` to PAR.
  case qemuException(esr: UInt64, model: UInt64)
  case notComparable(String)

  public var isDifference: Bool {
    switch self {
    case .differ, .qemuException: true
    default: false
    }
  }
}

/// Compares mmush's answers with QEMU's.
public enum CheckComparison {
  public static func verdicts(
    _ p: PreparedCheck, _ r: QEMUResults, version: QEMUVersion?
  ) -> [CheckVerdict] {
    p.queries.indices.map { k in
      switch p.answers[k] {
      case .notComparable(let why):
        return .notComparable(why)
      case .wouldAbortQEMU(let d):
        return .notComparable("known QEMU difference: \(d.summary) (not sent: QEMU would abort)")
      case .par(let model, let steps):
        guard let index = p.resultIndex[k], index < r.answers.count else {
          return .notComparable("QEMU gave no answer")
        }
        let q = p.queries[k]
        if let why = FeatureComparison.mismatch(q.registers, qemu: r.mmfr) {
          return .notComparable(why)
        }
        let (qemu, exception) = r.answers[index]
        if exception != 0 {
          return .qemuException(esr: exception & ~CheckImage.exceptionFlag, model: model)
        }
        let a = DecodedPAR(model)
        let b = DecodedPAR(qemu)
        if a == b { return .agree(a) }
        let c = DepartureCase(
          operation: q.operation, registers: q.registers, model: a, qemu: b, steps: steps)
        if let used = QEMUDepartures.explain(c, version: version) {
          return .knownDifference(used, model: model, qemu: qemu)
        }
        return .differ(model: model, qemu: qemu)
      }
    }
  }
}

/// The ID register fields that decide what a walk may do. A query is compared only where the
/// script's ID_AA64MMFRn_EL1 describe what QEMU's `-cpu max` implements for these fields.
enum FeatureComparison {
  /// (register index, name, hi, lo).
  static let fields: [(Int, String, Int, Int)] = [
    (0, "ID_AA64MMFR0_EL1.PARange", 3, 0), (0, "ID_AA64MMFR0_EL1.TGran16", 23, 20),
    (0, "ID_AA64MMFR0_EL1.TGran64", 27, 24), (0, "ID_AA64MMFR0_EL1.TGran4", 31, 28),
    (1, "ID_AA64MMFR1_EL1.HAFDBS", 3, 0), (1, "ID_AA64MMFR1_EL1.VH", 11, 8),
    (1, "ID_AA64MMFR1_EL1.HPDS", 15, 12), (1, "ID_AA64MMFR1_EL1.XNX", 31, 28),
    (2, "ID_AA64MMFR2_EL1.VARange", 19, 16), (2, "ID_AA64MMFR2_EL1.E0PD", 63, 60),
  ]

  static func mismatch(_ r: RegisterFile, qemu: [UInt64]) -> String? {
    let mine = [r[.id_aa64mmfr0_el1], r[.id_aa64mmfr1_el1], r[.id_aa64mmfr2_el1]]
    for (k, name, hi, lo) in fields {
      let a = bitField(mine[k], hi, lo)
      let b = bitField(qemu[k], hi, lo)
      if a != b {
        return "the script's \(name) is \(a), QEMU's -cpu max has \(b)"
      }
    }
    return nil
  }
}
