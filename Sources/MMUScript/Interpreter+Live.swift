import MMU
import MMULive
import MMUSyntax

/// A live machine: `attach` reads a QEMU guest's vCPUs through its gdbstub into a fresh
/// machine whose memory is read from the guest on demand; `refresh` reads them again;
/// `detach` lets the guest go. The guest is never written: the model's writes stay in its
/// own copies of pages.
extension Interpreter {
  func executeLive(_ s: LiveStmt) throws {
    switch s.action {
    case .attach(let e):
      guard case .string(let text) = try evaluate(e) else {
        throw Diagnostic.error("attach takes a \"HOST:PORT\" string", at: e.range)
      }
      try attach(text, range: s.range)
    case .refresh:
      guard let target = live else { throw notAttached(s.range) }
      try liveStep(s.range) { () throws(LiveError) in try target.refresh() }
      machine.memory.dropSourcePages()
      loadLive(target.cpus)
      sink.emit(
        .live(
          LiveEvent(
            host: target.host, kind: .refreshed(cpus: summary(target)), first: false, range: s.range
          )))
    case .detach(let halt):
      guard let target = live else { throw notAttached(s.range) }
      let host = target.host
      live = nil
      liveAttached = false
      resetMachine()
      try liveStep(s.range) { () throws(LiveError) in try target.detach(resume: !halt) }
      sink.emit(
        .live(LiveEvent(host: host, kind: .detached(halted: halt), first: false, range: s.range)))
    }
  }

  /// Attaches to the stub at `HOST:PORT` (a session already open is detached first, the
  /// guest left running).
  public func attach(_ address: String, range: SourceRange) throws {
    guard !options.forbidNetwork else {
      throw Diagnostic.error("this run may not attach to a live machine", at: range)
    }
    guard let (host, port) = LiveTarget.parseAddress(address) else {
      throw Diagnostic.error(
        describeLiveError(LiveError(host: address, packet: "", problem: .badAddress)), at: range)
    }
    if live != nil { try endLive(resume: true, range: range) }
    let target: LiveTarget
    do {
      target = try LiveTarget(host: host, port: port, timeout: options.liveTimeout)
    } catch {
      throw Diagnostic.error(describeLiveError(error), at: range)
    }
    live = target
    liveAttached = true
    resetMachine()
    sink.emit(
      .live(
        LiveEvent(
          host: target.host, kind: .attached(cpus: summary(target)), first: true, range: range)))
  }

  /// Ends a session if one is open: the address mode restored, then the guest resumed or
  /// left halted. Called at the end of a run and when the REPL leaves.
  public func endLive(resume: Bool, range: SourceRange) throws {
    guard let target = live else { return }
    live = nil
    liveAttached = false
    resetMachine()
    do {
      try target.detach(resume: resume)
    } catch {
      throw Diagnostic.error(describeLiveError(error), at: range)
    }
  }

  /// Whether a session is open.
  public var isAttached: Bool { live != nil }

  /// After each statement: a read on demand that failed (the stub timed out, the connection
  /// dropped) or a budget spent ends the session with the error. The guest is left halted.
  func checkLive(_ range: SourceRange) throws {
    guard let target = live else { return }
    if let e = target.pendingError {
      abandon(target)
      throw Diagnostic.error(describeLiveError(e), at: range)
    }
    if machine.memory.sourceBudgetExceeded {
      abandon(target)
      throw Diagnostic.error(
        "pages read from the guest exceed the memory budget (\(machine.memory.pageBudget) pages)",
        at: range, hint: "raise it with --max-memory")
    }
  }

  private func abandon(_ target: LiveTarget) {
    live = nil
    liveAttached = false
    target.restore()
    target.connection.close()
    resetMachine()
  }

  /// Runs a request; a failure ends the session (address mode restored, guest halted).
  private func liveStep(_ range: SourceRange, _ body: () throws(LiveError) -> Void) throws {
    do {
      try body()
    } catch {
      if let target = live { abandon(target) }
      throw Diagnostic.error(describeLiveError(error), at: range)
    }
  }

  private func notAttached(_ range: SourceRange) -> Diagnostic {
    .error("no live machine is attached", at: range, hint: "`attach \"HOST:PORT\"` first")
  }

  private func summary(_ target: LiveTarget) -> [(thread: String, el: Int)] {
    target.cpus.map { ($0.thread, min($0.el, 2)) }
  }

  /// One mmush CPU per vCPU, with the registers read and the EL from PSTATE.
  func loadLive(_ cpus: [LiveCPU]) {
    machine.addCPUs(upTo: max(1, cpus.count))
    for (i, c) in cpus.enumerated() where i < machine.cpus.count {
      let cpu = machine.cpus[i]
      cpu.reset()
      var r = cpu.registers
      for (reg, value) in c.registers { r[reg] = value }
      cpu.registers = r
      // EL3 has no regime in the model: its CPU is shown at EL2.
      cpu.el = min(c.el, 2)
    }
  }
}
