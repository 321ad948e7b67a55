extension Machine {
  /// The misprogrammed Contiguous groups an access's translation came through
  /// (architecture.md §3.6): for the stage-1 leaf and the final stage-2 leaf that have the
  /// Contiguous bit, their groups as the tables hold them now. A misprogrammed group is
  /// CONSTRAINED UNPREDICTABLE; the model keeps the translation of the descriptor it read
  /// and warns. Checked after the access, never in the walk: only a translation with the bit
  /// costs anything (one traced walk that changes nothing, when the access kept no steps and
  /// `context` says how to walk again).
  public func contiguousWarnings(
    _ r: AccessResult, cpu c: CPU, context: AccessContext?
  ) -> [ModelWarning] {
    guard let t = r.outcome.translation,
      t.contiguous || (t.stage2Descriptor ?? 0) & bit(52) != 0
    else { return [] }
    var steps = r.walk.steps
    if steps.isEmpty, let context {
      steps = compareWalk(c, context, r.walk.inputAddress, r.walk.access, trace: true).steps
    }
    var out: [ModelWarning] = []
    // The stage-1 leaf, and the stage-2 leaf of the output (the last stage-2 step).
    let leaves = [steps.last { $0.stage == 1 }, steps.last { $0.stage == 2 }]
    for case let s? in leaves where s.kind.isLeaf && Descriptor(s.descriptor).contiguous {
      guard let d = s.decoding else { continue }
      let g = ContiguousGroupReport.check(
        memory: memory, stage: s.stage, entryPA: s.entryPA, level: s.level,
        granule: d.granule, ds: d.ds, outputBits: d.outputBits, paMax: d.paMax)
      guard !g.problems.isEmpty else { continue }
      out.append(ModelWarning(.contiguousGroup(g), entryPA: s.entryPA, level: s.level))
    }
    return out
  }
}
