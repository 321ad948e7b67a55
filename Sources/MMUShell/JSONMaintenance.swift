import MMU
import MMUScript

/// The JSON of TLB maintenance (schema: docs/json.md, `tlbi`, `dsb`, `isb`, `tlb_fill`): a
/// log of a TLB bug shows each invalidation, what it reached and when a barrier completed it.
extension JSONRenderer {
  func maintenanceObject(_ t: TLBEvent) -> JSONObject {
    switch t.action {
    case .tlbi(let report):
      var o = base("tlbi", t.range)
      o.int("cpu", t.cpu)
      o.string("op", report.tlbi.operation.name)
      o.string("domain", domainName(report.tlbi.domain))
      o.array("targets", report.targets.map(String.init))
      o.array("in_scope", report.inScope.map { effect($0).text })
      o.bool("upgraded_by_fb", report.upgradedByFB)
      o.bool("applied_to_el20", report.appliedToEL20)
      return o
    case .dsb(let report):
      var o = base("dsb", t.range)
      o.int("cpu", t.cpu)
      o.string("domain", report.domain.rawValue)
      o.array(
        "completed",
        report.completed.map { c in
          var e = JSONObject()
          e.string("op", c.tlbi.operation.name)
          e.array("removed", c.removed.map { effect($0).text })
          return e.text
        })
      o.array("pending", report.stillPending.map { JSONObject.quote($0.operation.name) })
      return o
    case .isb(let pending):
      var o = base("isb", t.range)
      o.int("cpu", t.cpu)
      o.array("pending", pending.map { JSONObject.quote($0.operation.name) })
      return o
    case .fill(let label, let va, let result):
      var o = base("tlb_fill", t.range)
      o.string("regime", label)
      o.int("cpu", t.cpu)
      o.hex("va", va)
      let (k, v) = outcome(result.outcome)
      o.object(k, v)
      return o
    }
  }

  /// `local`, `inner` or `outer`: where a TLBI is performed.
  func domainName(_ d: TLBIOperation.Domain) -> String {
    switch d {
    case .local: "local"
    case .inner: "inner"
    case .outer: "outer"
    }
  }

  /// The entries a TLBI matches (or removed) on one CPU: counts, and the leaf entries' input
  /// addresses.
  func effect(_ e: TLBIEffect) -> JSONObject {
    var o = JSONObject()
    o.int("cpu", e.cpu)
    o.int("entries", e.entries.count)
    o.int("walk_entries", e.walkEntries.count)
    o.array("addresses", e.entries.map { JSONObject.quote(formatter.hex($0.inputBase)) })
    return o
  }
}
