/// Where sources disagree on what hardware does (architecture.md §13), the model lets a script
/// pick. Like the ID registers, these describe the implementation, so every CPU carries the
/// same choices. The defaults follow QEMU and the Arm pseudocode.
public struct ImplementationChoices: Sendable, Equatable {
  /// Setup faults before any descriptor is read (VA out of range, EPDn, E0PDn) are reported
  /// at level 0 (QEMU, mainline KVM) or at the start level (a 2025 KVM change). architecture.md
  /// §2.9.
  public var setupFaultAtStartLevel = false
  /// A non-VHE EL2 VA with bit 55 set: a Translation fault (QEMU, pseudocode) or the
  /// Address size fault KVM's AT emulation reports. architecture.md §2.7.
  public var el2Bit55AddressSize = false
  /// Stage-2 start levels: the pseudocode's consistency rule, or KVM's nested walker, which
  /// also rejects 4K-L0 with IA <= 42, 16K-L1 with IA <= 40 and 64K-L1 with IA <= 42.
  /// architecture.md §5.3.
  public var kvmStage2MinimumIA = false
  /// FWB with a stage-2 Device type: combined with stage 1 (KVM) or forced (QEMU). architecture.md
  /// §7.4.
  public var fwbForcesStage2Device = false

  public init() {}

  /// KVM's nested walker rejects these start levels for small IPAs (check_base_s2_limits).
  public func rejectsStage2(granule: Granule, startLevel: Int, inputBits: Int) -> Bool {
    guard kvmStage2MinimumIA else { return false }
    switch (granule, startLevel) {
    case (.k4, 0): return inputBits <= 42
    case (.k16, 1): return inputBits <= 40
    case (.k64, 1): return inputBits <= 42
    default: return false
    }
  }
}
