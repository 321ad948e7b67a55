import MMU

/// What a departure rule sees of one query: the instruction, the registers, both answers,
/// and the descriptor fetches of the model's walk (stage-2 fetches of a nested walk included).
public struct DepartureCase {
  public var operation: A64ATOperation
  public var registers: RegisterFile
  public var model: DecodedPAR
  public var qemu: DecodedPAR
  public var steps: [WalkStep]

  var twoStage: Bool {
    switch operation {
    case .s12e1r, .s12e1w, .s12e0r, .s12e0w: registers.stage2Enabled
    default: false
    }
  }
  var stage2Steps: [WalkStep] { steps.filter { $0.stage == 2 } }
}

/// A place where QEMU's `AT` and the Arm ARM pseudocode disagree.
///
/// `explain` rewrites the model's answer into what QEMU answers when the rule applies (nil
/// otherwise); a difference that these rewrites remove is "a known QEMU difference", not an
/// mmush bug. A rule with `abortsQEMU` describes a case that kills QEMU: such queries are not
/// sent (`wouldAbort`) and are reported as not comparable.
public struct QEMUDeparture: Sendable {
  public let name: String
  /// What QEMU does, against what the architecture says.
  public let summary: String
  /// The releases it applies to (the lower bound inclusive, the upper exclusive).
  public let versions: Range<QEMUVersion>
  public let abortsQEMU: Bool
  let explain: @Sendable (DepartureCase, DecodedPAR) -> DecodedPAR?
  let wouldAbort: @Sendable (DepartureCase) -> Bool

  init(
    _ name: String, _ summary: String, versions: Range<QEMUVersion>,
    explain: @escaping @Sendable (DepartureCase, DecodedPAR) -> DecodedPAR? = { _, _ in nil },
    abortsQEMU: Bool = false,
    wouldAbort: @escaping @Sendable (DepartureCase) -> Bool = { _ in false }
  ) {
    self.name = name
    self.summary = summary
    self.versions = versions
    self.explain = explain
    self.abortsQEMU = abortsQEMU
    self.wouldAbort = wouldAbort
  }

  public func applies(to version: QEMUVersion?) -> Bool {
    guard let version else { return true }
    return versions.contains(version)
  }
}

/// The known departures (docs/qemu.md, "Known QEMU differences"), each checked on QEMU 7.2
/// against the Arm ARM pseudocode named in its summary.
public enum QEMUDepartures {
  static let v7 = QEMUVersion(major: 7, minor: 0)
  static let v10 = QEMUVersion(major: 10, minor: 0)
  static let v11 = QEMUVersion(major: 11, minor: 0)

  public static let all: [QEMUDeparture] = [
    QEMUDeparture(
      "par-sh",
      "PAR_EL1.SH of a Device or Normal Non-cacheable result is 0b10 (Outer Shareable); QEMU"
        + " reports the descriptor's SH", versions: v7..<v10,
      explain: { c, m in
        guard !m.faulted, !c.qemu.faulted, m.isDevice || m.isNonCacheable,
          m.shareability == 0b10, c.qemu.shareability != 0b10
        else { return nil }
        var r = m
        r.shareability = c.qemu.shareability
        return r
      }),
    QEMUDeparture(
      "transient-hints",
      "S2CombineS1AttrHints keeps stage 1's transient hint when stage 2 lowers Write-Back to"
        + " Write-Through (0b00RW); QEMU returns the non-transient 0b10RW", versions: v7..<v11,
      explain: { c, m in
        guard c.twoStage, !m.faulted, !c.qemu.faulted, !m.isDevice else { return nil }
        var attrs = m.attributes
        for shift: UInt64 in [0, 4] {
          let n = (attrs >> shift) & 0xF
          if n >> 2 == 0, n & 3 != 0 { attrs = (attrs & ~(0xF << shift)) | ((n | 0b1000) << shift) }
        }
        guard attrs != m.attributes else { return nil }
        var r = m
        r.attributes = attrs
        return r
      }),
    QEMUDeparture(
      "device-combination",
      "S2CombineS1MemAttrs gives the Device side's type when exactly one stage is Device; QEMU"
        + " compares the Normal side's attribute as if it were a Device type", versions: v7..<v11,
      explain: { c, m in
        guard c.twoStage, !m.faulted, !c.qemu.faulted, m.isDevice, c.qemu.isDevice,
          m.attributes != c.qemu.attributes
        else { return nil }
        var r = m
        r.attributes = c.qemu.attributes
        return r
      }),
    QEMUDeparture(
      "s1ptw-level",
      "a stage-2 fault on a stage-1 table walk reports the level of the stage-2 walk"
        + " (AArch64.S1Walk, HCR_EL2.PTW); QEMU reports another level", versions: v7..<v11,
      explain: { c, m in
        let q = c.qemu
        guard m.faulted, q.faulted, m.stage2, m.s1ptw, q.stage2, q.s1ptw,
          m.fault.kind == q.fault.kind, m.faultStatus != q.faultStatus
        else { return nil }
        var r = m
        r.faultStatus = q.faultStatus
        return r
      }),
    QEMUDeparture(
      "illegal-level-block",
      "a block descriptor at a level without blocks (4K level 0 or 16K level 1 without DS,"
        + " 16K level 0, level -1) is a Translation fault; QEMU 7.2 uses it as a block",
      versions: v7..<v10,
      explain: { c, m in
        // QEMU uses the block: it translates, or faults on it for another reason.
        let q = c.qemu
        // (A stage-2 fault on the block's output IPA shows that too.)
        let usedBlock =
          !q.faulted || (q.stage2 && !q.s1ptw)
          || (q.fault.level == m.fault.level && q.fault.kind != .translation)
        guard m.faulted, usedBlock, m.fault.kind == .translation,
          let last = c.steps.last, last.descriptor & 3 == 1,
          let d = last.decoding
        else { return nil }
        let illegal =
          last.level < 0 || (d.granule == .k4 && last.level == 0 && !d.ds)
          || (d.granule == .k16 && last.level == 1 && !d.ds)
          || (d.granule == .k16 && last.level == 0)
        return illegal ? c.qemu : nil
      }),
    QEMUDeparture(
      "stage2-start-level-ps",
      "stage-2 start levels are checked against PAMax (AArch64.S2InconsistentSL); QEMU 7.2"
        + " checks them against VTCR_EL2.PS, faults when the IPA size exceeds PS, and has no"
        + " 16K start level 0 with DS", versions: v7..<v10,
      explain: { c, m in
        guard c.qemu.faulted, c.qemu.stage2, !c.qemu.s1ptw || m.faulted,
          c.registers.stage2Enabled
        else { return nil }
        let vtcr = c.registers[.vtcr_el2]
        let ipaBits = 64 - Int(vtcr & 0x3F)
        let psBits = [32, 36, 40, 42, 44, 48, 52, 52][Int((vtcr >> 16) & 7)]
        let s2 = c.stage2Steps
        let sixteenKDSLevel0 =
          s2.first.map { $0.level == 0 && $0.decoding?.granule == .k16 && $0.decoding?.ds == true }
          ?? false
        return ipaBits > psBits || sixteenKDSLevel0 ? c.qemu : nil
      }),
    QEMUDeparture(
      "level-minus-1-abort",
      "a Permission or Access flag fault in a walk that starts at level -1 is reported in"
        + " PAR (and a level -1 block is a Translation fault); QEMU 7.2 aborts on an assertion",
      versions: v7..<v10,
      abortsQEMU: true,
      wouldAbort: { c in
        // QEMU also takes a level -1 block (see illegal-level-block), then faults on it.
        if c.steps.contains(where: { $0.level == -1 && $0.descriptor & 3 == 1 }) { return true }
        guard c.model.faulted,
          c.model.fault.kind == .permission || c.model.fault.kind == .accessFlag
        else { return false }
        return c.steps.contains { $0.level == -1 }
      }),
    QEMUDeparture(
      "s12-final-permission-abort",
      "a stage-2 Permission fault on the final IPA of AT S12E* is reported in PAR; QEMU 10"
        + " crashes", versions: v10..<v11,
      abortsQEMU: true,
      wouldAbort: { c in
        c.twoStage && c.model.faulted && c.model.stage2 && !c.model.s1ptw
          && c.model.fault.kind == .permission
      }),
  ]

  /// The departures (for `version`) that together turn the model's answer into QEMU's, or
  /// nil when QEMU's answer is not explained by them.
  public static func explain(_ c: DepartureCase, version: QEMUVersion?) -> [QEMUDeparture]? {
    var m = c.model
    var used: [QEMUDeparture] = []
    for d in all where d.applies(to: version) && !d.abortsQEMU {
      if m == c.qemu { break }
      if let r = d.explain(c, m), r != m {
        m = r
        used.append(d)
      }
    }
    return m == c.qemu && !used.isEmpty ? used : nil
  }

  /// The departure that would kill QEMU on this query, if one would.
  public static func abort(_ c: DepartureCase, version: QEMUVersion?) -> QEMUDeparture? {
    all.first { $0.abortsQEMU && $0.applies(to: version) && $0.wouldAbort(c) }
  }
}
