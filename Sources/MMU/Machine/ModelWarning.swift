/// Something the model did that was allowed but is worth a warning. It is data: the reason
/// says what happened in typed fields, and the shell words it (once, for text and JSON).
public struct ModelWarning: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable {
    /// A valid entry was replaced by another valid one with a different output address,
    /// size, type or memory type, without the invalid step and TLBI between (architecture.md §11).
    case breakBeforeMake = "break-before-make"
    /// A space's shape disagrees with the registers that will walk it.
    case geometryMismatch = "geometry-mismatch"
    /// A TLBI was followed by a walk without a DSB completing it.
    case missingBarrier = "missing-barrier"
    /// A walk read a leaf with the Contiguous bit whose group is misprogrammed
    /// (architecture.md §3.6).
    case contiguousMisprogrammed = "contig-misprogrammed"
  }

  /// What happened, with what the words need.
  public enum Reason: Sendable, Equatable {
    /// `map … force` or a split by `map`, `unmap` or `protect` changed a live entry.
    case mapperEdit(MapperEdit)
    /// A raw write changed a valid descriptor to another valid one.
    case liveChange(BreakBeforeMakeChange)
    /// A valid value was written after an invalid step, but on `cpu` a TLBI covering the old
    /// entry (an all-levels one, `allLevels`, for a table) has not completed since.
    case changedAfterBreak(BreakBeforeMakeChange, allLevels: Bool, cpu: Int)
    /// A valid value was written over an invalid one while `cpu`'s TLB still holds the old one.
    case changedWhileHeld(BreakBeforeMakeChange, cpu: Int)
    /// `switch`: `register` now points at space `space`, whose shape disagrees.
    case geometry(register: SystemRegister, space: String, differences: [GeometryDifference])
    /// A DSB with `domain` left `operation` pending.
    case dsbIncomplete(domain: BarrierDomain, operation: TLBIOperation)
    /// An ISB with `operation` pending.
    case isbIncomplete(operation: TLBIOperation)
    /// A walk while `operation`, issued on `cpu`, is pending.
    case tlbiPending(operation: TLBIOperation, cpu: Int)
    /// A walk's leaf has the Contiguous bit but its group is not a group.
    case contiguousGroup(ContiguousGroupReport)
  }

  /// `map … force` and splits: which edit of a live entry.
  public enum MapperEdit: Sendable, Equatable {
    case forceReplaced, forceSplit, unmapSplit, protectSplit
  }

  public var reason: Reason
  public var entryPA: UInt64?
  /// The descriptor's level, only where the model knows it (a raw write does not say).
  public var level: Int?
  public var oldDescriptor: UInt64?
  public var newDescriptor: UInt64?

  public init(
    _ reason: Reason, entryPA: UInt64? = nil, level: Int? = nil, old: UInt64? = nil,
    new: UInt64? = nil
  ) {
    self.reason = reason
    self.entryPA = entryPA
    self.level = level
    self.oldDescriptor = old
    self.newDescriptor = new
  }

  public var kind: Kind {
    switch reason {
    case .mapperEdit, .liveChange, .changedAfterBreak, .changedWhileHeld: .breakBeforeMake
    case .geometry: .geometryMismatch
    case .dsbIncomplete, .isbIncomplete, .tlbiPending: .missingBarrier
    case .contiguousGroup: .contiguousMisprogrammed
    }
  }
}
