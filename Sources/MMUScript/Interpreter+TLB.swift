import MMU
import MMUSyntax

extension Interpreter {
  // The TLB maintenance statements. The model's full TLB (walk caches, deferred completion
  // at DSB, broadcast) lands with the TLB work; until then a TLBI completes at once on the
  // CPUs it reaches.

  func executeTLBI(_ s: TLBIStmt) throws {
    let op = s.operation
    let address = try s.address.map { try integer($0) }
    let targets = op.isBroadcast ? machine.cpus.filter(\.online) : [machine.cpu]
    let vmid = machine.vmid(machine.cpu)
    for c in targets {
      switch op {
      case .vmalle1, .vmalle1is, .vmalls12e1, .vmalls12e1is:
        c.tlb.invalidate {
          $0.regime == .el10 || ($0.regime == .stage2 && op.rawValue.hasPrefix("vmalls12"))
            ? $0.vmid == vmid : false
        }
      case .alle1, .alle1is:
        c.tlb.invalidate { $0.regime == .el10 || $0.regime == .stage2 }
      case .alle2, .alle2is:
        c.tlb.invalidate { $0.regime == .el2 || $0.regime == .el20 }
      default:
        if let address {
          c.tlb.invalidate { $0.covers(address) }
        } else {
          c.tlb.removeAll()
        }
      }
    }
  }

  func executeDSB(_ s: DSBStmt) throws {}
  func executeISB(_ s: ISBStmt) throws {}

  func executeTLBFill(_ s: TLBFillStmt) throws {
    let r = try regime(s.regime)
    let va = try integer(s.va)
    _ = performAccess(r, va: va, access: .read, trace: false, useTLB: true)
  }

  /// Break-before-make findings for a raw descriptor write (wired to the TLB model's tracker).
  func descriptorWriteWarnings(pa: UInt64, old: UInt64, new: UInt64) -> [ModelWarning] { [] }
}
