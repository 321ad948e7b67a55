import MMU
import MMUScript

extension JSONRenderer {
  /// A model warning's typed fields, beside the message `WarningText` words (docs/json.md,
  /// `diagnostic`).
  func warningFields(_ m: ModelWarning, _ o: inout JSONObject) {
    o.string("kind", m.kind.rawValue)
    if let level = m.level { o.int("level", level) }
    if let old = m.oldDescriptor { o.hex("old", old) }
    if let new = m.newDescriptor { o.hex("new", new) }
    if let pa = m.entryPA { o.hex("entry_pa", pa) }
    switch m.reason {
    case .mapperEdit, .liveChange: break
    case .changedAfterBreak(_, _, let cpu), .changedWhileHeld(_, let cpu):
      o.int("cpu", cpu)
    case .geometry(let reg, let space, _):
      o.string("register", reg.name)
      o.string("space", space)
    case .dsbIncomplete(let domain, let op):
      o.string("barrier", "dsb " + domain.rawValue)
      o.string("tlbi", op.name)
    case .isbIncomplete(let op):
      o.string("barrier", "isb")
      o.string("tlbi", op.name)
    case .tlbiPending(let op, let cpu):
      o.string("tlbi", op.name)
      o.int("cpu", cpu)
    case .contiguousGroup(let g):
      o.int("stage", g.stage)
      if let n = g.entries { o.int("group_entries", n) }
      o.hex("group_pa", g.firstEntryPA)
      o.hex("descriptor", g.descriptor)
    }
  }
}
