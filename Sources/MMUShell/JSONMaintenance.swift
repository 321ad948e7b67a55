import MMU
import MMUScript

/// The JSON of TLB maintenance (schema: docs/json.md, `tlbi`, `dsb`, `isb`, `tlb_fill`): a
/// log of a TLB bug shows each invalidation, what it reached and when a barrier completed it.
extension JSONRenderer {
  func maintenance(_ t: TLBEvent) {
    switch t.action {
    case .tlbi(let report):
      open("tlbi", t.range)
      j.int("cpu", t.cpu)
      j.string("op", report.tlbi.operation.name)
      j.string("domain", domainName(report.tlbi.domain))
      j.openArray("targets")
      for target in report.targets { j.intItem(target) }
      j.closeArray()
      effects("in_scope", report.inScope)
      j.bool("upgraded_by_fb", report.upgradedByFB)
      j.bool("applied_to_el20", report.appliedToEL20)
    case .dsb(let report):
      open("dsb", t.range)
      j.int("cpu", t.cpu)
      j.string("domain", report.domain.rawValue)
      j.openArray("completed")
      for c in report.completed {
        j.openObject()
        j.string("op", c.tlbi.operation.name)
        effects("removed", c.removed)
        j.closeObject()
      }
      j.closeArray()
      pending(report.stillPending)
    case .isb(let list):
      open("isb", t.range)
      j.int("cpu", t.cpu)
      pending(list)
    case .fill(let regime, let va, let result):
      open("tlb_fill", t.range)
      j.string("regime", regime.word)
      j.int("cpu", t.cpu)
      j.hex("va", va)
      j.outcome(result.outcome, stale: false, regime: nil, outputIsIPA: false)
    }
    close()
  }

  /// `"pending":[…]`: the TLBIs a barrier has yet to complete.
  func pending(_ list: [PendingTLBI]) {
    j.openArray("pending")
    for p in list { j.stringItem(p.operation.name) }
    j.closeArray()
  }

  /// `local`, `inner` or `outer`: where a TLBI is performed.
  func domainName(_ d: TLBIOperation.Domain) -> String {
    switch d {
    case .local: "local"
    case .inner: "inner"
    case .outer: "outer"
    }
  }

  /// The entries a TLBI matches (or removed) on each CPU: counts, and the leaf entries'
  /// input addresses.
  func effects(_ k: StaticString, _ list: [TLBIEffect]) {
    j.openArray(k)
    for e in list {
      j.openObject()
      j.int("cpu", e.cpu)
      j.int("entries", e.entries.count)
      j.int("walk_entries", e.walkEntries.count)
      j.openArray("addresses")
      for entry in e.entries { j.stringItem(formatter.hex(entry.inputBase)) }
      j.closeArray()
      j.closeObject()
    }
    j.closeArray()
  }
}
