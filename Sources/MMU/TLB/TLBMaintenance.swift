extension Machine {
  /// Executes TLBI `op` on `c` (architecture.md §10.3). The operand is an address (VA, or IPA for
  /// the stage-2 operations; with `size` for range operations) with an optional ASID (default: the
  /// issuer's current one) and TTL `level` hint, or the raw register `xt` decoded as
  /// architecture.md §10.4 says. Nothing is removed now: the operation completes at a later DSB of
  /// sufficient scope
  /// on `c`, and until then the old entries still answer.
  @discardableResult
  public func tlbi(
    _ op: TLBIOperation, address: UInt64? = nil, asid: UInt64? = nil, level: Int? = nil,
    size: UInt64? = nil, xt: UInt64? = nil, cpu c: CPU
  ) throws(TLBIError) -> TLBIReport {
    guard c.online else { throw .cpuOffline(c.index) }
    let (scope, toEL20) = try resolveTLBI(
      op, address: address, asid: asid, level: level, size: size, xt: xt, cpu: c)
    // HCR_EL2.FB: local EL1 operations at EL1 are broadcast to the Inner Shareable domain.
    let fb =
      op.domain == .local && op.requiredEL == 1 && c.el == 1
      && c.registers[.hcr_el2] & bit(9) != 0
    let p = PendingTLBI(
      operation: op, scope: scope, issuer: c.index, domain: fb ? .inner : op.domain)
    c.pendingTLBIs.append(p)
    let reached = targets(of: p)
    let preview = reached.map { t in
      TLBIEffect(
        cpu: t.index, entries: t.tlb.entries.filter { scope.matches($0) },
        walkEntries: t.tlb.walkEntries.filter { scope.matches($0) })
    }
    return TLBIReport(
      tlbi: p, targets: reached.map(\.index), inScope: preview, upgradedByFB: fb,
      appliedToEL20: toEL20)
  }

  /// Executes DSB `domain` on `c`: completes `c`'s pending TLBIs the barrier reaches (local
  /// ones for any full DSB, IS ones for `ish`/`osh`/`sy`, OS ones for `osh`/`sy`), removing
  /// their entries from the issuer's TLB or, for broadcasts, from every online CPU's.
  @discardableResult
  public func dsb(_ domain: BarrierDomain = .sy, cpu c: CPU) -> BarrierReport {
    var report = BarrierReport(domain: domain)
    var keep: [PendingTLBI] = []
    for p in c.pendingTLBIs {
      if domain.completesTLBI && p.domain <= domain.reach {
        report.completed.append(complete(p))
      } else {
        keep.append(p)
      }
    }
    c.pendingTLBIs = keep
    report.stillPending = keep
    if options.strictBarriers && !keep.isEmpty {
      report.warnings = keep.map {
        ModelWarning(.dsbIncomplete(domain: domain, operation: $0.operation))
      }
    }
    return report
  }

  /// Executes ISB on `c`. Context synchronization: in the model a register write takes
  /// effect at once (as if an ISB followed it), so this changes nothing; with
  /// `strictBarriers` it warns that an ISB does not complete pending TLBIs.
  public func isb(cpu c: CPU) -> [ModelWarning] {
    guard options.strictBarriers else { return [] }
    return c.pendingTLBIs.map { ModelWarning(.isbIncomplete(operation: $0.operation)) }
  }

  /// The CPUs a TLBI reaches: its issuer, or every online CPU.
  func targets(of p: PendingTLBI) -> [CPU] {
    if p.domain == .local { return cpu(at: p.issuer).map { $0.online ? [$0] : [] } ?? [] }
    return onlineCPUs
  }

  /// Performs a TLBI on every CPU it reaches, and tells the break-before-make check what it
  /// covered there.
  func complete(_ p: PendingTLBI) -> TLBICompletion {
    let removed = targets(of: p).map { t in
      let entries = t.tlb.removeEntries { p.scope.matches($0) }
      let walks = t.tlb.removeWalkEntries { p.scope.matches($0) }
      noteInvalidation(p.scope, on: t.index)
      return TLBIEffect(cpu: t.index, entries: entries, walkEntries: walks)
    }
    return TLBICompletion(tlbi: p, removed: removed)
  }
}
