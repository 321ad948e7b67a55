import MMU
import MMUSyntax

extension Interpreter {
  /// `tlbi OP [ADDR] [asid N] [level N] [xt EXPR]`: issued now, completed by a later DSB.
  func executeTLBI(_ s: TLBIStmt) throws {
    let op = s.operation
    let address = try s.address.map { try integer($0) }
    let asid = try s.asid.map { try integer($0) }
    if let asid, asid > 0xffff, let e = s.asid {
      throw Diagnostic.error("ASID \(formatter.hex(asid)) does not fit 16 bits", at: e.range)
    }
    let size = try s.size.map { try integer($0) }
    let level = try s.level.map { try smallInt($0, "level", in: -1...3) }
    let xt = try s.xt.map { try integer($0) }
    guard machine.cpu.pendingTLBIs.count < Self.maxPendingTLBIs else {
      throw Diagnostic.error(
        "\(Self.maxPendingTLBIs) TLBIs are pending on cpu\(machine.currentCPU): the model keeps no more without a DSB",
        at: s.range, hint: "complete them with `dsb`")
    }
    do {
      let report = try machine.tlbi(
        op, address: address, asid: asid, level: level, size: size, xt: xt, cpu: machine.cpu)
      // Issuing scans the TLB of every CPU it reaches.
      addWork(report.targets.count + tlbEntries / 8)
      sink.emit(.tlb(TLBEvent(.tlbi(report), cpu: machine.currentCPU, range: s.range)))
    } catch {
      throw Diagnostic.error(describe(error), at: s.range)
    }
  }

  /// TLBIs one CPU may have issued that no DSB has completed (Linux issues at most 512 before
  /// its DSB; a loop without one would otherwise slow every later access).
  static let maxPendingTLBIs = 1024

  func describe(_ e: TLBIError) -> String {
    switch e {
    case .missingAddress(let op): return "tlbi \(op.name) needs an address (or xt)"
    case .unexpectedAddress(let op): return "tlbi \(op.name) takes no address"
    case .xtWithOtherOperands:
      return "xt gives the whole operand: no address, asid or level with it"
    case .asidNotUsed(let op): return "tlbi \(op.name) ignores the ASID; drop `asid`"
    case .badLevel(let op, let l): return "tlbi \(op.name) cannot take a level \(l) hint"
    case .badSize(let op) where op.isRange:
      return "tlbi \(op.name) takes its range as ADDR size SIZE (SIZE > 0), or as xt"
    case .badSize(let op): return "tlbi \(op.name): only range operations take a size"
    case .undefinedAtEL(let op, let el): return "tlbi \(op.name) is UNDEFINED at EL\(el)"
    case .cpuOffline(let n): return "cpu\(n) is offline"
    }
  }

  func executeDSB(_ s: DSBStmt) throws {
    let d = s.domain
    let entries = tlbEntries
    let report = machine.dsb(d, cpu: machine.cpu)
    // Each TLBI it completes scans the TLBs it reaches.
    addWork(report.completed.count * (1 + entries / 8))
    sink.emit(.tlb(TLBEvent(.dsb(report), cpu: machine.currentCPU, range: s.range)))
    for w in report.warnings { warnModel(w, at: s.range) }
  }

  func executeISB(_ s: ISBStmt) throws {
    let pending = machine.cpu.pendingTLBIs
    let warnings = machine.isb(cpu: machine.cpu)
    sink.emit(.tlb(TLBEvent(.isb(pending: pending), cpu: machine.currentCPU, range: s.range)))
    for w in warnings { warnModel(w, at: s.range) }
  }

  func executeTLBFill(_ s: TLBFillStmt) throws {
    let r = try regime(s.regime)
    let va = try integer(s.va)
    let a = machine.fillTLB(cpu: machine.cpu, context: context(r, cpu: machine.cpu), address: va)
    sink.emit(
      .tlb(
        TLBEvent(
          .fill(regime: r, va: va, result: a), cpu: machine.currentCPU, range: s.range)))
    for w in a.warnings { warnModel(w, at: s.range) }
  }

  /// Break-before-make findings for a raw descriptor write are made by `Machine.writeMemory`.
  func writeMemory(_ pa: UInt64, _ value: UInt64, size: Int, range: SourceRange) throws {
    do {
      for w in try machine.writeMemory(pa, value, size: size) { warnModel(w, at: range) }
    } catch {
      throw Diagnostic.error(describe(error), at: range)
    }
  }
}
