import MMU

// The language's own fixed words: every enum's raw value is its spelling in a script.
//
// The parser validates these words as it reads them, so that a typo (`tlbi vmale1`) is a
// syntax error with a "did you mean" hint at the word, rather than a runtime surprise. The
// words that name the model's instructions, barrier options and regimes are not here: they
// are MMU's tables (`TLBIOperation`, `BarrierDomain`, `ATOperation`, `AccessRegime`,
// `Regime`), read through `MMU.Vocabulary`.

/// The statements that attach to a live machine (QEMU's gdbstub), release it, and re-read
/// it. The parser, the REPL's completer and its help take the words from here.
public enum LiveCommand: String, Sendable, CaseIterable {
  case attach, refresh, detach

  /// `detach halt`: leave the guest halted instead of letting it run.
  public static let detachOptions = ["halt"]
}

/// What `load` reads.
public enum LoadKind: String, Sendable, CaseIterable, Vocabulary {
  /// An ELF core: QEMU dump-guest-memory, /proc/vmcore, kdump ELF.
  case core
  /// A System.map or /proc/kallsyms text.
  case symbols
}

/// The access a walk performs or an assert checks.
public enum AccessKind: String, Sendable, CaseIterable, Vocabulary {
  case read, write, exec
}

/// Which half of a two-range regime a `space` serves.
public enum TranslationHalf: String, Sendable, CaseIterable, Vocabulary {
  case ttbr0, ttbr1
}

/// The registers `switch` writes.
public enum BaseRegister: String, Sendable, CaseIterable, Vocabulary {
  case ttbr0EL1 = "ttbr0_el1"
  case ttbr1EL1 = "ttbr1_el1"
  case ttbr0EL2 = "ttbr0_el2"
  case ttbr1EL2 = "ttbr1_el2"
  case vttbrEL2 = "vttbr_el2"
}

/// Fault kinds an `assert walk … faults` may name.
public enum FaultKind: String, Sendable, CaseIterable, Vocabulary {
  case translation
  case addressSize = "address_size"
  case accessFlag = "access_flag"
  case permission
  case tlbConflict = "tlb_conflict"
}

/// What `assert tlb` expects of a lookup.
public enum TLBState: String, Sendable, CaseIterable, Vocabulary {
  case hit, miss, stale, conflict
}

/// `sh none|inner|outer`.
public enum Shareability: String, Sendable, CaseIterable, Vocabulary {
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
public enum DumpFormat: String, Sendable, CaseIterable, Vocabulary {
  /// arm64 Linux's kernel_page_tables (arch/arm64/mm/ptdump.c).
  case linux
  /// KVM's stage-2 dump (arch/arm64/kvm/ptdump.c).
  case kvm
}

/// The whole-table checks: `check WORD [REGIME|SPACE]`.
public enum TableCheckKind: String, Sendable, CaseIterable, Vocabulary {
  /// Writable and executable kernel pages, and kernel pages without UXN (CONFIG_DEBUG_WX).
  case wx
  /// One physical page mapped with different memory types or cacheability.
  case aliases
}

/// The statements over whole tables, as their first words spell them: the parser, the
/// completer and the help take them from here.
public enum TableStatementWord: String, Sendable, CaseIterable {
  case check, find, diff, marker, snapshot
}
