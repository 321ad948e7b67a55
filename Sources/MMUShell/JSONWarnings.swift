import MMU
import MMUScript

extension JSONWriter {
  /// A model warning's typed fields, beside the message `WarningText` words (docs/json.md,
  /// `diagnostic`).
  mutating func warningFields(_ m: ModelWarning) {
    string("kind", m.kind.rawValue)
    if let level = m.level { int("level", level) }
    if let old = m.oldDescriptor { hex("old", old) }
    if let new = m.newDescriptor { hex("new", new) }
    if let pa = m.entryPA { hex("entry_pa", pa) }
    switch m.reason {
    case .mapperEdit, .liveChange: break
    case .changedAfterBreak(_, _, let cpu), .changedWhileHeld(_, let cpu):
      int("cpu", cpu)
    case .geometry(let reg, let space, _):
      string("register", reg.name)
      string("space", space)
    case .dsbIncomplete(let domain, let op):
      string("barrier", "dsb " + domain.rawValue)
      string("tlbi", op.name)
    case .isbIncomplete(let op):
      string("barrier", "isb")
      string("tlbi", op.name)
    case .tlbiPending(let op, let cpu):
      string("tlbi", op.name)
      int("cpu", cpu)
    case .contiguousGroup(let g):
      int("stage", g.stage)
      if let n = g.entries { int("group_entries", n) }
      hex("group_pa", g.firstEntryPA)
      hex("descriptor", g.descriptor)
    }
  }
}
