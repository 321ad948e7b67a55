import Synchronization

/// One CPU's system registers. Values are stored whole; fields are views on them.
///
/// Plain data, stored inline (no array): every walk without a TLB takes the registers it
/// reads, and passing an array's buffer to it cost a retain and a release, two atomic
/// instructions that order the host's memory accesses, per walk.
public struct RegisterFile: Sendable, Equatable {
  /// One value per `SystemRegister` case (a test checks the count).
  typealias Storage = InlineArray<17, UInt64>
  static let count = Storage.count
  private var values: Storage {
    didSet { identity = Self.newIdentity() }
  }
  /// Choices where the architecture or its sources leave the behaviour open.
  public var implementation = ImplementationChoices() {
    didSet { identity = Self.newIdentity() }
  }
  /// Names these exact contents: a copy keeps it, every write gets a fresh one, so equal
  /// identities mean equal registers. What a walk derives from the registers (its setup) is
  /// remembered under it and found again with one comparison.
  public private(set) var identity: UInt64

  /// Unique across threads: tests run machines concurrently.
  private static let identities = Atomic<UInt64>(0)
  private static func newIdentity() -> UInt64 {
    identities.add(1, ordering: .relaxed).newValue
  }

  public init() {
    var v = Storage(repeating: 0)
    for r in SystemRegister.allCases where r.rawValue < v.count {
      v[r.rawValue] = RegisterDefaults.value(r)
    }
    values = v
    identity = Self.newIdentity()
  }

  public subscript(_ r: SystemRegister) -> UInt64 {
    @inline(__always) get { values[r.rawValue] }
    set { values[r.rawValue] = newValue }
  }

  /// The registers and choices, not their identity.
  public static func == (a: RegisterFile, b: RegisterFile) -> Bool {
    a.identity == b.identity
      || (a.values.indices.allSatisfy { a.values[$0] == b.values[$0] }
        && a.implementation == b.implementation)
  }

  public var features: Features {
    Features(
      mmfr0: self[.id_aa64mmfr0_el1], mmfr1: self[.id_aa64mmfr1_el1], mmfr2: self[.id_aa64mmfr2_el1]
    )
  }

  /// HCR_EL2.E2H: EL2 runs the EL2&0 regime (VHE) and TCR_EL2 has the EL1 layout.
  public var e2h: Bool { hcr.e2h }
  /// HCR_EL2.TGE: with E2H, EL0 belongs to the EL2&0 regime (the VHE host).
  public var tge: Bool { hcr.tge }
  /// Stage 2 translates EL1&0 accesses: HCR_EL2.VM, or DC (which behaves as if VM were set);
  /// both behave as 0 with E2H and TGE set.
  public var stage2Enabled: Bool { hcr.stage2Enabled }
  /// HCR_EL2.FWB.
  public var fwb: Bool { hcr.fwb }

  /// The field named `name` of register `r` in the layout currently in force.
  public func field(_ r: SystemRegister, _ name: String) -> RegisterField? {
    r.field(named: name, vhe: e2h)
  }
}
