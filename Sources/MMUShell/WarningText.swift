import MMU
import MMUScript

/// The words of a model warning, and of what a core cannot tell about its kernel's markers:
/// one function a kind, used by the text and JSON renderers alike (and by `expect warning`,
/// through the sink).
public struct WarningText: Sendable {
  public var formatter: ValueFormatter
  public init(formatter: ValueFormatter = ValueFormatter()) { self.formatter = formatter }

  public func message(_ w: ModelWarning) -> String {
    var text: String
    switch w.reason {
    case .mapperEdit(let e): text = "break-before-make: " + mapperEdit(e)
    case .liveChange(let c):
      text = "break-before-make: a live descriptor's \(change(c)) changed without break-before-make"
    case .changedAfterBreak(let c, let allLevels, let cpu):
      text = "break-before-make: " + changedAfterBreak(c, allLevels: allLevels, cpu: cpu)
    case .changedWhileHeld(let c, let cpu):
      text =
        "break-before-make: a descriptor's \(change(c)) changed while cpu\(cpu)'s TLB still "
        + "holds the old value: no TLBI since it was made invalid"
    case .geometry(let reg, let space, let differences):
      text = geometry(reg, space: space, differences)
    case .dsbIncomplete(let domain, let op): text = dsbIncomplete(domain, op)
    case .isbIncomplete(let op):
      text = "isb does not complete tlbi \(op.name): a DSB must come before it"
    case .tlbiPending(let op, let cpu):
      text =
        "tlbi \(op.name) on cpu\(cpu) has not been completed by a DSB: the entries it removes "
        + "still answer"
    case .contiguousGroup(let g): text = contiguousGroup(g)
    }
    if let old = w.oldDescriptor, let new = w.newDescriptor {
      // The level and the entry's address only where the model knows them (a raw `mem write`
      // has no level).
      var entry = w.level.map { "level \($0) entry" } ?? "entry"
      if let pa = w.entryPA { entry += " at \(formatter.hex(pa))" }
      text += " (\(entry): \(formatter.hex(old)) -> \(formatter.hex(new)))"
    }
    return text
  }

  /// What a core cannot tell about its kernel's ptdump markers (docs/cores.md).
  public func message(_ w: CoreMarkerWarning) -> String {
    switch w {
    case .fixmapAssumed:
      "the core does not record the fixmap's size: 'Fixmap start' assumes a distribution's "
        + "configuration (ACPI_APEI_GHES, ARM_SDE_INTERFACE, UNMAP_KERNEL_AT_EL0, RELOCATABLE); "
        + "`load symbols` of this kernel decides it"
    case .fixmapLeftOut:
      "Linux before 6.9: the fixmap's start is not in the core; the Fixmap markers are left out "
        + "(`import \"linux/ptdump\"` and `lx_markers_v6_1(…)` declare them)"
    case .kasanLeftOut:
      "the kernel has KASAN, whose shadow bounds no core records: 'Linear Mapping end' and the "
        + "Kasan markers are left out"
    }
  }

  func mapperEdit(_ e: ModelWarning.MapperEdit) -> String {
    switch e {
    case .forceReplaced: "map ... force replaced a live entry without break-before-make"
    case .forceSplit: "map ... force split a live block without break-before-make"
    case .unmapSplit: "unmap split a live block without break-before-make"
    case .protectSplit: "protect split a live block without break-before-make"
    }
  }

  func change(_ c: BreakBeforeMakeChange) -> String {
    switch c {
    case .size: "size (block and table)"
    case .outputAddress: "output address"
    case .nextTableAddress: "next-level table address"
    case .shareability: "shareability"
    case .memoryType: "memory type"
    case .contiguousBit: "contiguous bit"
    case .notGlobalCleared: "nG (non-global to global)"
    }
  }

  func changedAfterBreak(_ c: BreakBeforeMakeChange, allLevels: Bool, cpu: Int) -> String {
    let tlbi = allLevels ? "an all-levels TLBI" : "a TLBI"
    return "a descriptor's \(change(c)) changed after its invalid step, but \(tlbi) that covers "
      + "it has not completed on cpu\(cpu) since (a DSB completes it)"
  }

  func dsbIncomplete(_ domain: BarrierDomain, _ op: TLBIOperation) -> String {
    let why =
      domain.completesTLBI
      ? "reaches only \(domain.reach == .local ? "this CPU" : "the Inner Shareable domain")"
      : "waits only for \(domain.rawValue.hasSuffix("st") ? "stores" : "loads")"
    return "dsb \(domain.rawValue) does not complete tlbi \(op.name): it \(why)"
  }

  func geometry(_ reg: SystemRegister, space: String, _ differences: [GeometryDifference])
    -> String
  {
    func half(_ upper: Bool) -> String { upper ? "upper" : "lower" }
    func onOff(_ on: Bool) -> String { on ? "on" : "off" }
    let notes = differences.map { d -> String in
      switch d {
      case .regime(let s, let r): "the space is for \(s) but \(reg) is walked as \(r)"
      case .half(let s, let r):
        "the space maps the \(half(s)) half but \(reg) serves the \(half(r)) half"
      case .unwalkable(let f):
        "the registers cannot walk it: \(f.kind) fault, level \(f.level), stage \(f.stage)"
      case .granule(let s, let r): "granule \(s) in the space, \(r) in the registers"
      case .inputBits(let s, let r): "\(s)-bit input in the space, \(r)-bit in the registers"
      case .startLevel(let s, let r): "start level \(s) in the space, \(r) in the registers"
      case .lpa2(let s, let r): "LPA2 (DS) \(onOff(s)) in the space, \(onOff(r)) in the registers"
      }
    }
    return "\(reg) now points at space '\(space)' but " + notes.joined(separator: "; ")
  }

  /// architecture.md §3.6: what is wrong with the group, and what the model does about it.
  func contiguousGroup(_ g: ContiguousGroupReport) -> String {
    let group =
      g.entries.map {
        "the stage-\(g.stage) level-\(g.level) group of \($0) at \(formatter.hex(g.firstEntryPA))"
      } ?? "the stage-\(g.stage) level-\(g.level) entry at \(formatter.hex(g.entryPA))"
    let problems = g.problems.map { p -> String in
      func entries(_ first: Int, _ count: Int) -> String {
        count == 1 ? "entry \(first)" : "\(count) entries (the first: \(first))"
      }
      switch p {
      case .noGroupAtLevel: return "the Contiguous bit is set where the granule has no group"
      case .notLeaf(let f, let n): return "\(entries(f, n)) not a valid leaf"
      case .bitClear(let f, let n): return "\(entries(f, n)) without the Contiguous bit"
      case .attributesDiffer(let f, let n):
        return "\(entries(f, n)) with other attributes than entry 0"
      case .outputNotContiguous(let f, let n):
        return "\(entries(f, n)) with an output address out of sequence"
      case .outputMisaligned(let o, let span):
        return "output \(formatter.hex(o)) not aligned to the group's \(formatter.hex(span))"
      }
    }
    return "contiguous group misprogrammed (CONSTRAINED UNPREDICTABLE): \(group) has "
      + problems.joined(separator: "; ")
      + "; the model translates with the descriptor it read "
      + "(level \(g.level) entry at \(formatter.hex(g.entryPA)): \(formatter.hex(g.descriptor)))"
  }
}
