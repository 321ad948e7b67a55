/// The fixed words of the language: every enum's raw value is its spelling in a script.
///
/// The parser validates these words as it reads them, so that a typo (`tlbi vmale1`) is a
/// syntax error with a "did you mean" hint at the word, rather than a runtime surprise.

/// A translation regime, as the reserved words name it.
public enum Regime: String, Sendable, CaseIterable {
  /// EL1&0 with EL0 permissions (then stage 2 when HCR_EL2.VM=1).
  case el0
  /// EL1&0 (then stage 2 when HCR_EL2.VM=1).
  case el1
  /// EL2, or EL2&0 with VHE.
  case el2
  /// EL1&0 stage 1 alone.
  case s1
  /// Stage 2 alone, IPA to PA.
  case s2
}

/// What `load` reads.
public enum LoadKind: String, Sendable, CaseIterable {
  /// An ELF core: QEMU dump-guest-memory, /proc/vmcore, kdump ELF.
  case core
  /// A System.map or /proc/kallsyms text.
  case symbols
}

/// The access a walk performs or an assert checks.
public enum AccessKind: String, Sendable, CaseIterable {
  case read, write, exec
}

/// The table format of a `space`, or the format `decode` reads a descriptor in.
public enum SpaceRegime: String, Sendable, CaseIterable {
  case el1, el2, vhe, s2
}

/// Which half of a two-range regime a `space` serves.
public enum TranslationHalf: String, Sendable, CaseIterable {
  case ttbr0, ttbr1
}

/// The registers `switch` writes.
public enum BaseRegister: String, Sendable, CaseIterable {
  case ttbr0EL1 = "ttbr0_el1"
  case ttbr1EL1 = "ttbr1_el1"
  case ttbr0EL2 = "ttbr0_el2"
  case ttbr1EL2 = "ttbr1_el2"
  case vttbrEL2 = "vttbr_el2"
}

/// The AT instructions.
public enum ATOperation: String, Sendable, CaseIterable {
  case s1e1r, s1e1w, s1e0r, s1e0w, s1e2r, s1e2w, s12e1r, s12e1w, s12e0r, s12e0w
  case s1e1rp, s1e1wp
}

/// The TLBI operations the model performs, named as the instructions.
public enum TLBIOperation: String, Sendable, CaseIterable {
  case vmalle1, vmalle1is, vae1, vae1is, vale1, vale1is, vaae1, vaae1is
  case vaale1, vaale1is, aside1, aside1is, vmalls12e1, vmalls12e1is, alle1, alle1is
  case ipas2e1, ipas2e1is, ipas2le1, ipas2le1is, alle2, alle2is, vae2, vae2is
  case vale2, vale2is

  /// Inner-shareable: broadcast to every CPU when completed.
  public var isBroadcast: Bool { rawValue.hasSuffix("is") }
}

/// DSB's shareability domain and access type.
public enum BarrierDomain: String, Sendable, CaseIterable {
  case sy, ish, ishst, ishld, osh, oshst, nsh, nshst, st, ld
}

/// Fault kinds an `assert walk … faults` may name.
public enum FaultKind: String, Sendable, CaseIterable {
  case translation
  case addressSize = "address_size"
  case accessFlag = "access_flag"
  case permission
  case tlbConflict = "tlb_conflict"
}

/// What `assert tlb` expects of a lookup.
public enum TLBState: String, Sendable, CaseIterable {
  case hit, miss, stale, conflict
}

/// `sh none|inner|outer`.
public enum Shareability: String, Sendable, CaseIterable {
  case none, inner, outer
}

/// One word (or word with operand) of a `map`/`protect` attribute list, with its range so the
/// interpreter can point at an attribute a regime does not support.
public struct Attribute: Equatable, Sendable {
  public enum Kind: Equatable, Sendable {
    case r, ro, rw, x, rx, rwx, user, nx, pxn, uxn
    case normal, nc, wt, device, ngnrne, ngnre, gre
    /// `attr N`: a MAIR index.
    case attr(Expr)
    /// `sh none|inner|outer`.
    case shareability(Shareability)
    case ng, noaf, contig, pages
    /// `level N`: the level of the leaf (signed: `level -1`).
    case level(Expr)
    case force
  }

  public var kind: Kind
  public var range: SourceRange

  public init(_ kind: Kind, range: SourceRange) {
    self.kind = kind
    self.range = range
  }

  /// The attribute words that take no operand, by spelling.
  public static let flags: [(word: String, kind: Kind)] = [
    ("r", .r), ("ro", .ro), ("rw", .rw), ("x", .x), ("rx", .rx), ("rwx", .rwx),
    ("user", .user), ("nx", .nx), ("pxn", .pxn), ("uxn", .uxn), ("normal", .normal),
    ("nc", .nc), ("wt", .wt), ("device", .device), ("ngnrne", .ngnrne), ("ngnre", .ngnre),
    ("gre", .gre), ("ng", .ng), ("noaf", .noaf), ("contig", .contig), ("pages", .pages),
    ("force", .force),
  ]

  /// Every attribute word, for "did you mean" hints.
  public static var words: [String] { flags.map(\.word) + ["attr", "sh", "level"] }
}

/// `dump … format WORD`: a kernel's own page-table dump, line for line.
public enum DumpFormat: String, Sendable, CaseIterable {
  /// arm64 Linux's kernel_page_tables (arch/arm64/mm/ptdump.c).
  case linux
  /// KVM's stage-2 dump (arch/arm64/kvm/ptdump.c).
  case kvm
}

/// The whole-table checks: `check WORD [REGIME|SPACE]`.
public enum TableCheckKind: String, Sendable, CaseIterable {
  /// Writable and executable kernel pages, and kernel pages without UXN (CONFIG_DEBUG_WX).
  case wx
  /// One physical page mapped with different memory types or cacheability.
  case aliases
}

/// The statements over whole tables, as their first words spell them: the parser, the
/// completer and the help take them from here.
public enum TableStatementWord: String, Sendable, CaseIterable {
  case check, find, diff, marker
}
