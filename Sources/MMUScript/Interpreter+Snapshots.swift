import MMU
import MMUSyntax

/// A target's kernel-format rows kept under a name (`snapshot dump … as NAME`), so that
/// `diff dump NAME TARGET` shows what a change did to the tables.
public struct DumpSnapshot: Sendable {
  /// What was dumped, for the diff's `---`/`+++` line.
  public var target: ViewTarget
  public var format: DumpFormat
  public var rows: [PtdumpRow]
}

extension Interpreter {
  /// At most this many snapshots live at once (each holds at most `max_output` rows).
  static let maxSnapshots = 256

  /// `snapshot dump [SPACE|REGIME] as NAME [format linux|kvm]`: the rows `dump … format`
  /// would print now (the markers in force cut them), kept under NAME; a later snapshot
  /// under the same name replaces it.
  func executeSnapshotDump(_ s: SnapshotDumpStmt) throws {
    let name = s.name.text
    if machine.space(named: name) != nil {
      throw Diagnostic.error(
        "'\(name)' is a space; a snapshot needs a name of its own", at: s.name.range,
        hint: "`snapshot dump … as \(name)_before`")
    }
    guard dumpSnapshots[name] != nil || dumpSnapshots.count < Self.maxSnapshots else {
      throw Diagnostic.error("at most \(Self.maxSnapshots) snapshots", at: s.range)
    }
    let format = s.format ?? .linux
    let t = try tableTarget(s.target, range: s.range)
    dumpSnapshots[name] = DumpSnapshot(
      target: t.viewTarget, format: format, rows: try rows(t, format: format, range: s.range))
  }

  /// The snapshot an operand names: a bare name that is not a variable.
  func snapshot(named e: Expr) -> DumpSnapshot? {
    guard case .identifier(let n) = e.kind, lookupVariable(n) == nil else { return nil }
    return dumpSnapshots[n]
  }

  /// The rows of `dump TARGET format F` as they are now.
  func rows(_ t: TableTarget, format: DumpFormat, range: SourceRange) throws -> [PtdumpRow] {
    let root = try kernelRoot(t, range: range)
    if format == .kvm && !root.regime.isStage2 {
      throw Diagnostic.error(
        "format kvm is KVM's stage-2 dump; \(label(t)) is \(root.regime)", at: range,
        hint: "dump s2 format kvm, or a stage-2 space")
    }
    return try ptdumpLines(root, first: root.first, last: root.last, format: format, range: range)
      .compactMap { line -> PtdumpRow? in
        if case .row(let r) = line { return r }
        return nil
      }
  }

  /// One side of `diff dump`: a snapshot (in its own format) or a target's rows now.
  func diffSide(_ e: Expr, format: DumpFormat, range: SourceRange) throws -> (
    side: DumpDiffSide, rows: [PtdumpRow]
  ) {
    if let snap = snapshot(named: e), case .identifier(let n) = e.kind {
      guard snap.format == format else {
        throw Diagnostic.error(
          "snapshot '\(n)' holds format \(snap.format.rawValue) rows, not \(format.rawValue)",
          at: e.range, hint: "`snapshot dump … as \(n) format \(format.rawValue)`")
      }
      return (.snapshot(name: n, of: snap.target), snap.rows)
    }
    let t = try tableTarget(e, range: range)
    return (.tables(t.viewTarget), try rows(t, format: format, range: range))
  }
}
