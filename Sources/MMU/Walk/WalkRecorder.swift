/// The observer of a traced walk or a walk with a TLB session: it records each step for the
/// trace, and the descriptors read for the session's path; it starts the walk from a
/// walk-cache entry, fills the walk cache with the tables followed, and puts a nested walk's
/// table addresses through the walker's own stage 2 (a software stage 2, stage-2 TLB
/// entries and their trace included).
///
/// It points at the walker and the trace rather than holding copies: copying a `Walker` in
/// and out (its memory, registers, session and memo retained and released) cost a TLB fill
/// ~150 instructions. The pointers live only for one `Walker.walkTables` call.
struct WalkRecorder: WalkObserver {
  /// The walker whose session, trace flag and stage 2 this walk uses.
  private let walker: UnsafeMutablePointer<Walker>
  /// The trace, appended to when the walker traces.
  private let steps: UnsafeMutablePointer<[WalkStep]>
  /// The stage-2 walk of the table address about to be read, for its step.
  private var pendingStage2Steps: [WalkStep] = []
  /// Where this walk's descriptors start in the session's path.
  private var pathStart = 0

  init(walker: UnsafeMutablePointer<Walker>, steps: UnsafeMutablePointer<[WalkStep]>) {
    self.walker = walker
    self.steps = steps
  }

  mutating func start(_ setup: StageSetup, input: UInt64, nested: Bool) -> WalkStart? {
    guard let session = walker.pointee.session else { return nil }
    pathStart = session.path.count
    guard let w = walker.pointee.startingPoint(session, setup, input: input, nested: nested) else {
      return nil
    }
    let start = WalkStart(
      level: w.level, nextTable: w.nextTable, tableAttributes: w.tableAttributes)
    session.path.append(contentsOf: w.path)
    // The entry moves into the session's list: the loop gets plain data (`WalkStart`).
    session.walkCacheUsed.append(consume w)
    session.usedCache = true
    return start
  }

  mutating func tableStage2(ipa: UInt64) -> Result<StageLeaf, Fault>? {
    var s2Steps: [WalkStep] = []
    let r = walker.pointee.stage2(
      ipa: ipa, access: .read, unprivileged: false, s1ptw: true, steps: &s2Steps)
    if walker.pointee.trace {
      switch r {
      // A stage-2 fault ends the walk: its steps are the trace's last.
      case .failure: steps.pointee.append(contentsOf: s2Steps)
      case .success: pendingStage2Steps = s2Steps
      }
    }
    return r
  }

  mutating func read(
    _ setup: StageSetup, level: Int, index: Int, table: UInt64, entry: UInt64, entryPA: UInt64,
    descriptor: UInt64, kind: DescriptorKind
  ) {
    if let session = walker.pointee.session {
      session.path.append(entryPA)
      session.path.append(descriptor)
    }
    guard walker.pointee.trace else { return }
    steps.pointee.append(
      WalkStep(
        stage: setup.regime.isStage2 ? 2 : 1, level: level, index: index, tableAddress: table,
        entryAddress: entry, entryPA: entryPA, descriptor: descriptor, kind: kind,
        stage2Steps: pendingStage2Steps, decoding: StepDecoding(setup)))
    pendingStage2Steps = []
  }

  mutating func table(
    _ setup: StageSetup, input: UInt64, nested: Bool, level: Int, next: UInt64, entryPA: UInt64,
    descriptor: UInt64, tableAttributes: TableAttributes
  ) {
    guard let session = walker.pointee.session else { return }
    walker.pointee.fillWalkCache(
      session, setup, input: input, nested: nested, level: level, next: next, entryPA: entryPA,
      descriptor: descriptor, tableAttrs: tableAttributes, from: pathStart)
  }

  mutating func leaf(_ setup: StageSetup, _ leaf: StageLeaf, read: UInt64, written: Bool) {
    // The descriptor was written back: the path now holds the updated value.
    if written, let session = walker.pointee.session, !session.path.isEmpty {
      session.path[session.path.count - 1] = leaf.descriptor
    }
    if !setup.regime.isStage2 { walker.pointee.stage1Granule = setup.geometry.granule }
  }
}
