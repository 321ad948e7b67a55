import MMU
import MMUSyntax

extension Interpreter {
  /// The machine commands: one case per statement, each in its own small method.
  func executeMachine(_ stmt: Stmt) throws {
    switch stmt {
    case .set(let s): try executeSet(s)
    case .cpus(let s):
      let n = try smallInt(s.count, "CPU count", in: 1...64)
      machine.addCPUs(upTo: n)
    case .cpu(let s): try executeCPU(s)
    case .onCPU(let s):
      let n = try cpuIndex(s.index)
      guard machine.cpus[n].online else {
        throw Diagnostic.error(
          "cpu\(n) is offline", at: s.index.range, hint: "`cpu \(n) online` first")
      }
      let saved = machine.currentCPU
      machine.currentCPU = n
      defer { machine.currentCPU = min(saved, machine.cpus.count - 1) }
      _ = try executeScoped(s.body)
    case .show(let s): try executeShow(s)
    case .space(let s): try executeSpace(s)
    case .map(let s): try executeMap(s)
    case .unmap(let s): try executeUnmap(s)
    case .protect(let s): try executeProtect(s)
    case .switch(let s): try executeSwitch(s)
    case .translate(let s): try executeTranslate(s)
    case .memWrite(let s): try executeMemWrite(s)
    case .memRead(let s): try executeMemRead(s)
    case .memLoad(let s): try executeMemLoad(s)
    case .memSave(let s): try executeMemSave(s)
    case .load(let s): try executeLoad(s)
    case .decode(let s): try executeDecode(s)
    case .at(let s): try executeAT(s)
    case .explain(let s): try executeExplain(s)
    case .tlbi(let s): try executeTLBI(s)
    case .dsb(let s): try executeDSB(s)
    case .isb(let s): try executeISB(s)
    case .tlbFill(let s): try executeTLBFill(s)
    case .assert(let s): try executeAssert(s)
    case .expect(let s): try executeExpect(s)
    case .dump(let s): try executeDump(s)
    case .layout(let s): try executeLayout(s)
    case .graph(let s): try executeGraph(s)
    case .live(let s): try executeLive(s)
    case .check(let s): try executeCheck(s)
    case .findPA(let s): sink.emit(.findPA(try findPA(s)))
    case .diffDump(let s): sink.emit(.dumpDiff(try dumpDiff(s)))
    case .snapshotDump(let s): try executeSnapshotDump(s)
    case .marker(let s): try executeMarker(s)
    default:
      throw Diagnostic.error("statement not supported here", at: stmt.range)
    }
  }

  func executeCPU(_ s: CpuStmt) throws {
    let n = try cpuIndex(s.index)
    switch s.action {
    case .select:
      guard machine.cpus[n].online else {
        throw Diagnostic.error(
          "cpu\(n) is offline", at: s.index.range, hint: "`cpu \(n) online` first")
      }
      machine.currentCPU = n
    case .offline:
      guard n != machine.currentCPU else {
        throw Diagnostic.error("cannot take the current CPU offline", at: s.index.range)
      }
      _ = machine.setOnline(n, false)
    case .online:
      // Hotplug: the CPU comes up in the reset state with an empty TLB.
      _ = machine.setOnline(n, true)
    }
  }

  func executeShow(_ s: ShowStmt) throws {
    let m = machine
    let topic: ShowEvent.Topic
    switch s.target {
    case .regs:
      topic = .regs(
        cpu: m.currentCPU, registers: m.cpu.registers, el: m.cpu.el, pan: m.cpu.pan)
    case .machine:
      topic = .machine(
        MachineSummary(
          cpus: m.cpus.count, currentCPU: m.currentCPU, poolBase: m.defaultPool.base,
          poolSize: m.defaultPool.size, poolInUse: m.defaultPool.bytesInUse,
          allocatedPages: m.memory.allocatedPages, pageBudget: m.memory.pageBudget,
          features: m.cpu.registers.features, options: m.options))
    case .spaces:
      topic = .spaces(
        m.spaceOrder.compactMap { m.space(named: $0) }.map {
          SpaceSummary(
            name: $0.name, regime: $0.regime, upper: $0.upper, geometry: $0.geometry,
            root: $0.root, via: $0.via?.name)
        })
    case .cpus:
      topic = .cpus(
        m.cpus.map {
          CPUSummary(
            index: $0.index, el: $0.el, online: $0.online, current: $0.index == m.currentCPU,
            tlbEntries: $0.tlb.count)
        })
    case .tlb(let cpuExpr):
      let n =
        try cpuExpr.map { try cpuIndex($0) } ?? m.currentCPU
      let listed = m.cpus[n].tlb.count + m.cpus[n].tlb.walkCount
      guard listed <= options.maxOutputItems else {
        throw Diagnostic.error(
          "tlb show would list \(listed) entries, more than the output limit of \(options.maxOutputItems)",
          at: s.range, hint: "raise it with --max-output N, or invalidate with tlbi and dsb")
      }
      topic = .tlb(tlbSnapshot(cpu: n))
    }
    sink.emit(.show(ShowEvent(topic: topic, range: s.range)))
  }
}
