import MMU

/// The system registers the check image reads or writes, with their MRS/MSR encodings
/// (op0, op1, CRn, CRm, op2) from the Arm ARM's register descriptions (D23, "AArch64 System
/// Register Descriptions").
// swift-format-ignore: AlwaysUseLowerCamelCase
public enum A64SystemRegister: String, Sendable, CaseIterable {
  case hcr_el2, scr_el3
  case tcr_el1, tcr_el2, vtcr_el2
  case ttbr0_el1, ttbr1_el1, ttbr0_el2, ttbr1_el2, vttbr_el2
  case mair_el1, mair_el2, sctlr_el1, sctlr_el2, par_el1
  case id_aa64mmfr0_el1, id_aa64mmfr1_el1, id_aa64mmfr2_el1
  case vbar_el3, esr_el3, elr_el3

  /// (op0, op1, CRn, CRm, op2).
  public var encoding: (op0: UInt32, op1: UInt32, crn: UInt32, crm: UInt32, op2: UInt32) {
    switch self {
    case .hcr_el2: (3, 4, 1, 1, 0)
    case .scr_el3: (3, 6, 1, 1, 0)
    case .tcr_el1: (3, 0, 2, 0, 2)
    case .tcr_el2: (3, 4, 2, 0, 2)
    case .vtcr_el2: (3, 4, 2, 1, 2)
    case .ttbr0_el1: (3, 0, 2, 0, 0)
    case .ttbr1_el1: (3, 0, 2, 0, 1)
    case .ttbr0_el2: (3, 4, 2, 0, 0)
    case .ttbr1_el2: (3, 4, 2, 0, 1)
    case .vttbr_el2: (3, 4, 2, 1, 0)
    case .mair_el1: (3, 0, 10, 2, 0)
    case .mair_el2: (3, 4, 10, 2, 0)
    case .sctlr_el1: (3, 0, 1, 0, 0)
    case .sctlr_el2: (3, 4, 1, 0, 0)
    case .par_el1: (3, 0, 7, 4, 0)
    case .id_aa64mmfr0_el1: (3, 0, 0, 7, 0)
    case .id_aa64mmfr1_el1: (3, 0, 0, 7, 1)
    case .id_aa64mmfr2_el1: (3, 0, 0, 7, 2)
    case .vbar_el3: (3, 6, 12, 0, 0)
    case .esr_el3: (3, 6, 5, 2, 0)
    case .elr_el3: (3, 6, 4, 0, 1)
    }
  }

  /// Bits [19:5] of MSR/MRS: o0 (op0<0>; op0<1> is the fixed bit 20), op1, CRn, CRm, op2.
  var encodingFields: UInt32 {
    let e = encoding
    return (e.op0 & 1) << 19 | e.op1 << 16 | e.crn << 12 | e.crm << 8 | e.op2 << 5
  }

  /// The translation registers a test vector carries, in the order the image writes them:
  /// HCR_EL2 first (E2H selects the layout the others are read in), then the rest.
  public static let vectorRegisters: [(A64SystemRegister, SystemRegister)] = [
    (.hcr_el2, .hcr_el2), (.tcr_el1, .tcr_el1), (.tcr_el2, .tcr_el2), (.vtcr_el2, .vtcr_el2),
    (.ttbr0_el1, .ttbr0_el1), (.ttbr1_el1, .ttbr1_el1), (.ttbr0_el2, .ttbr0_el2),
    (.ttbr1_el2, .ttbr1_el2), (.vttbr_el2, .vttbr_el2), (.mair_el1, .mair_el1),
    (.mair_el2, .mair_el2), (.sctlr_el1, .sctlr_el1), (.sctlr_el2, .sctlr_el2),
  ]
}

/// The AT instructions, as SYS #op1, C7, C8, #op2 (Arm ARM C5.5 "A64 system instructions for
/// address translation").
public enum A64ATOperation: UInt32, Sendable, CaseIterable {
  case s1e1r, s1e1w, s1e0r, s1e0w, s1e2r, s1e2w, s12e1r, s12e1w, s12e0r, s12e0w

  public var op1: UInt32 {
    switch self {
    case .s1e1r, .s1e1w, .s1e0r, .s1e0w: 0
    default: 4
    }
  }

  public var op2: UInt32 {
    switch self {
    case .s1e1r, .s1e2r: 0
    case .s1e1w, .s1e2w: 1
    case .s1e0r: 2
    case .s1e0w: 3
    case .s12e1r: 4
    case .s12e1w: 5
    case .s12e0r: 6
    case .s12e0w: 7
    }
  }

  /// The model's operation of the same name.
  public var model: ATOperation {
    switch self {
    case .s1e1r: .s1e1r
    case .s1e1w: .s1e1w
    case .s1e0r: .s1e0r
    case .s1e0w: .s1e0w
    case .s1e2r: .s1e2r
    case .s1e2w: .s1e2w
    case .s12e1r: .s12e1r
    case .s12e1w: .s12e1w
    case .s12e0r: .s12e0r
    case .s12e0w: .s12e0w
    }
  }

  /// The AT of the model's operation; nil for AT S1E1RP/S1E1WP, whose answer depends on
  /// PSTATE.PAN, which the check's image (at EL3) does not set.
  public init?(_ op: ATOperation) {
    switch op {
    case .s1e1rp, .s1e1wp: return nil
    case .s1e1r: self = .s1e1r
    case .s1e1w: self = .s1e1w
    case .s1e0r: self = .s1e0r
    case .s1e0w: self = .s1e0w
    case .s1e2r: self = .s1e2r
    case .s1e2w: self = .s1e2w
    case .s12e1r: self = .s12e1r
    case .s12e1w: self = .s12e1w
    case .s12e0r: self = .s12e0r
    case .s12e0w: self = .s12e0w
    }
  }
}
