import MMU
import MMUScript

/// `show regs|machine|spaces|cpus|tlb`.
struct ShowText {
  let r: TextRenderer
  func line(_ s: String) { r.line(s) }

  func render(_ s: ShowEvent) {
    switch s.topic {
    case .regs(let cpu, let regs, let el, let pan):
      line("cpu\(cpu) at EL\(el)\(regs.e2h ? ", VHE" : "")\(pan ? ", PSTATE.PAN=1" : "")")
      for reg in SystemRegister.allCases {
        let v = regs[reg]
        let fields = reg.fields(vhe: regs.e2h).filter { $0.read(v) != 0 && $0.name != "baddr" }
          .map { "\($0.name)=\($0.width > 4 ? r.hex($0.read(v)) : String($0.read(v)))" }
        line(
          "  " + reg.name.padding(18) + r.hex(v).leftPadded(23) + "  "
            + fields.joined(separator: " "))
      }
    case .machine(let m):
      line("machine: \(m.cpus) CPU\(m.cpus == 1 ? "" : "s"), current cpu\(m.currentCPU)")
      line(
        "  table pool    \(r.hex(m.poolBase)) size \(ViewWords.size(m.poolSize)), \(ViewWords.size(m.poolInUse)) in use"
      )
      line("  memory        \(m.allocatedPages) pages allocated of a \(m.pageBudget)-page budget")
      let f = m.features
      line(
        "  features      PARange \(f.paMax)-bit, LPA2 4K \(f.lpa2For4K ? "yes" : "no") 16K \(f.lpa2For16K ? "yes" : "no"), LVA \(f.lva ? "yes" : "no"), TTST \(f.ttst ? "yes" : "no"), HAFDBS \(f.hafdbs), XNX \(f.xnx ? "yes" : "no"), BBM level \(f.bbm)"
      )
      line(
        "  options       tlb_speculative \(m.options.tlbSpeculative ? "on" : "off"), strict_barriers \(m.options.strictBarriers ? "on" : "off"), bbm_check \(m.options.bbmCheck ? "on" : "off")"
      )
    case .spaces(let list):
      if list.isEmpty { line("no spaces") }
      for s in list {
        var half = ""
        if let u = s.upper { half = u ? " ttbr1" : " ttbr0" }
        line(
          "  " + s.name.padding(12) + "\(s.regime)\(half)".padding(14)
            + "root \(r.hex(s.root))  \(s.geometry)" + (s.via.map { "  via \($0)" } ?? ""))
      }
    case .cpus(let list):
      for c in list {
        line(
          "  \(c.current ? "*" : " ")cpu\(c.index)  EL\(c.el)  \(c.online ? "online " : "offline")  \(c.tlbEntries) TLB entr\(c.tlbEntries == 1 ? "y" : "ies")"
        )
      }
    case .tlb(let t):
      let entries = t.entries
      line(
        "cpu\(t.cpu) TLB: \(entries.count) entr\(entries.count == 1 ? "y" : "ies"), \(t.walkEntries.count) walk-cache entr\(t.walkEntries.count == 1 ? "y" : "ies")"
      )
      // One table for the leaf entries and one for the walk-cache entries, each aligned
      // whatever the address widths.
      // A stage-2 entry's regime column already says "stage 2", and it has no ASID to be
      // global about.
      let leafRows = entries.map { e -> [String] in
        let s2 = e.regime == .stage2
        return [
          r.hex(e.inputBase), ViewWords.size(UInt64(1) << UInt64(e.sizeBits)),
          "-> " + r.hex(e.translation.pa & ~lowMask(e.sizeBits)), "\(e.regime)",
          s2 ? "" : "\(e.stage)", "L\(e.level)", e.vmid.map { "vmid \($0)" } ?? "",
          s2 ? "" : e.asid.map { "asid \($0)" } ?? "global", e.speculative ? "speculative" : "",
        ]
      }
      for l in Columns.align(leafRows, right: [1]) { line("  " + l) }
      let walkRows = t.walkEntries.map { w -> [String] in
        [
          "walk", r.hex(w.inputBase), ViewWords.size(UInt64(1) << UInt64(min(w.sizeBits, 63))),
          "L\(w.level) table -> " + r.hex(w.nextTable), "\(w.regime)", w.nested ? "nested" : "",
          w.vmid.map { "vmid \($0)" } ?? "", w.asid.map { "asid \($0)" } ?? "",
        ]
      }
      for l in Columns.align(walkRows, right: [2]) { line("  " + l) }
      for p in t.pending {
        line("  pending tlbi \(p.operation.name) (issued by cpu\(p.issuer); completes at a DSB)")
      }
    }
  }
}
