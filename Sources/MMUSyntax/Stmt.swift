import MMU

/// A statement: one case per statement form of reference.md, each with its own payload.
///
/// Typed payloads (rather than a generic "command with words") mean the grammar is checked
/// once, here, and the interpreter switches over cases whose fields already say what each
/// operand is. Operands are `Expr`s even where a script usually writes a literal (`granule
/// 4k`, `level 2`, a REGIME), so that a `proc` in a module can pass them as parameters; the
/// interpreter checks their values. Every payload carries the statement's range.
public indirect enum Stmt: Equatable, Sendable {
  // Language
  case `let`(LetStmt)
  case assign(AssignStmt)
  case proc(ProcStmt)
  case call(CallStmt)
  case `return`(ReturnStmt)
  case `if`(IfStmt)
  case `for`(ForStmt)
  case `import`(ImportStmt)
  case include(IncludeStmt)
  case print(PrintStmt)
  case echo(EchoStmt)
  case reset(ResetStmt)
  // The machine
  case set(SetStmt)
  case cpus(CpusStmt)
  case cpu(CpuStmt)
  case onCPU(OnCPUStmt)
  case show(ShowStmt)
  // Address spaces and mapping
  case space(SpaceStmt)
  case map(MapStmt)
  case unmap(UnmapStmt)
  case protect(ProtectStmt)
  case `switch`(SwitchStmt)
  case translate(TranslateStmt)
  // Memory
  case memWrite(MemWriteStmt)
  case memRead(MemReadStmt)
  case memLoad(MemLoadStmt)
  case memSave(MemSaveStmt)
  case load(LoadStmt)
  case decode(DecodeStmt)
  // Translating
  case walk(WalkStmt)
  case at(ATStmt)
  case explain(ExplainStmt)
  // TLB maintenance and barriers
  case tlbi(TLBIStmt)
  case dsb(DSBStmt)
  case isb(ISBStmt)
  case tlbFill(TLBFillStmt)
  // Checking
  case assert(AssertStmt)
  case expect(ExpectStmt)
  // Views
  case dump(DumpStmt)
  case layout(LayoutStmt)
  case graph(GraphStmt)
  // A live machine
  case live(LiveStmt)
  // Whole tables
  case check(CheckStmt)
  case findPA(FindPAStmt)
  case diffDump(DiffDumpStmt)
  case snapshotDump(SnapshotDumpStmt)
  case marker(MarkerStmt)

  /// The statement's source range, from its first word to its last token.
  public var range: SourceRange {
    switch self {
    case .let(let s): return s.range
    case .assign(let s): return s.range
    case .proc(let s): return s.range
    case .call(let s): return s.range
    case .return(let s): return s.range
    case .if(let s): return s.range
    case .for(let s): return s.range
    case .import(let s): return s.range
    case .include(let s): return s.range
    case .print(let s): return s.range
    case .echo(let s): return s.range
    case .reset(let s): return s.range
    case .set(let s): return s.range
    case .cpus(let s): return s.range
    case .cpu(let s): return s.range
    case .onCPU(let s): return s.range
    case .show(let s): return s.range
    case .space(let s): return s.range
    case .map(let s): return s.range
    case .unmap(let s): return s.range
    case .protect(let s): return s.range
    case .switch(let s): return s.range
    case .translate(let s): return s.range
    case .memWrite(let s): return s.range
    case .memRead(let s): return s.range
    case .memLoad(let s): return s.range
    case .memSave(let s): return s.range
    case .load(let s): return s.range
    case .decode(let s): return s.range
    case .walk(let s): return s.range
    case .at(let s): return s.range
    case .explain(let s): return s.range
    case .tlbi(let s): return s.range
    case .dsb(let s): return s.range
    case .isb(let s): return s.range
    case .tlbFill(let s): return s.range
    case .assert(let s): return s.range
    case .expect(let s): return s.range
    case .dump(let s): return s.range
    case .layout(let s): return s.range
    case .graph(let s): return s.range
    case .live(let s): return s.range
    case .check(let s): return s.range
    case .findPA(let s): return s.range
    case .diffDump(let s): return s.range
    case .snapshotDump(let s): return s.range
    case .marker(let s): return s.range
    }
  }
}

// MARK: - Language

/// `let NAME = EXPR`: a new variable in the current scope.
public struct LetStmt: Equatable, Sendable {
  public var name: Name
  public var value: Expr
  public var range: SourceRange
}

/// `NAME = EXPR`: assigns an existing variable.
public struct AssignStmt: Equatable, Sendable {
  public var name: Name
  public var value: Expr
  public var range: SourceRange
}

/// `proc NAME(PARAMS) { BODY }`.
public struct ProcStmt: Equatable, Sendable {
  public var name: Name
  public var parameters: [Name]
  public var body: [Stmt]
  public var range: SourceRange
}

/// `NAME(ARGS)` as a statement; the result is discarded.
public struct CallStmt: Equatable, Sendable {
  public var callee: Name
  public var arguments: [Expr]
  public var range: SourceRange
}

/// `return [EXPR]`.
public struct ReturnStmt: Equatable, Sendable {
  public var value: Expr?
  public var range: SourceRange
}

/// `if C { } else if C { } else { }`: the branches in order, then the final `else` body.
public struct IfStmt: Equatable, Sendable {
  public struct Branch: Equatable, Sendable {
    public var condition: Expr
    public var body: [Stmt]
  }
  /// At least one: the `if`, then each `else if`.
  public var branches: [Branch]
  public var elseBody: [Stmt]?
  public var range: SourceRange
}

/// `for NAME in FROM ..< TO [step S] { }` or with `...` (inclusive).
public struct ForStmt: Equatable, Sendable {
  public var variable: Name
  public var from: Expr
  public var to: Expr
  /// True for `...`, false for `..<`.
  public var inclusive: Bool
  public var step: Expr?
  public var body: [Stmt]
  public var range: SourceRange
}

/// `import "module/path"`: a module from the stdlib search path.
public struct ImportStmt: Equatable, Sendable {
  public var path: String
  public var pathRange: SourceRange
  public var range: SourceRange
}

/// `include "file.mmu"`: a file relative to the including file.
public struct IncludeStmt: Equatable, Sendable {
  public var path: String
  public var pathRange: SourceRange
  public var range: SourceRange
}

/// `print EXPR, ...` (at least one value).
public struct PrintStmt: Equatable, Sendable {
  public var values: [Expr]
  public var range: SourceRange
}

/// `echo [EXPR]`: text as is; bare `echo` prints an empty line.
public struct EchoStmt: Equatable, Sendable {
  public var value: Expr?
  public var range: SourceRange
}

/// `reset`.
public struct ResetStmt: Equatable, Sendable {
  public var range: SourceRange
}

// MARK: - The machine

/// `cpus N`.
public struct CpusStmt: Equatable, Sendable {
  public var count: Expr
  public var range: SourceRange
}

/// `cpu N`, `cpu N offline`, `cpu N online`.
public struct CpuStmt: Equatable, Sendable {
  public enum Action: String, Equatable, Sendable {
    /// Make CPU N current.
    case select
    case offline
    case online
  }
  public var index: Expr
  public var action: Action
  public var range: SourceRange
}

/// `on cpu N { }`.
public struct OnCPUStmt: Equatable, Sendable {
  public var index: Expr
  public var body: [Stmt]
  public var range: SourceRange
}

/// `show regs|machine|spaces|cpus|tlb [cpu N]`; `tlb show [cpu N]` parses to the same.
public struct ShowStmt: Equatable, Sendable {
  public enum Target: Equatable, Sendable {
    case regs, machine, spaces, cpus
    case tlb(cpu: Expr?)
  }
  public var target: Target
  public var range: SourceRange
}

// MARK: - Address spaces and mapping

/// `space NAME [regime R] [ttbr0|ttbr1] [granule G] [va_bits N | ipa_bits N]
/// [pool PA size SIZE] [via S2SPACE] [at PA]`; options in any order, each at most once.
public struct SpaceStmt: Equatable, Sendable {
  public struct Pool: Equatable, Sendable {
    public var base: Expr
    public var size: Expr
  }
  public var name: Name
  public var regime: Regime?
  public var half: TranslationHalf?
  public var granule: Expr?
  public var vaBits: Expr?
  public var ipaBits: Expr?
  public var pool: Pool?
  public var via: Expr?
  public var root: Expr?
  public var range: SourceRange
}

/// `map [SPACE] VA -> PA size SIZE [ATTRS]` or `map [SPACE] VA ..< END -> PA [ATTRS]`.
public struct MapStmt: Equatable, Sendable {
  public enum Extent: Equatable, Sendable {
    /// `-> PA size SIZE`
    case size(Expr)
    /// `..< END -> PA`: END is exclusive.
    case end(Expr)
  }
  public var space: Expr?
  public var va: Expr
  public var pa: Expr
  public var extent: Extent
  public var attributes: [Attribute]
  public var range: SourceRange
}

/// `unmap [SPACE] VA size SIZE [free]`.
public struct UnmapStmt: Equatable, Sendable {
  public var space: Expr?
  public var va: Expr
  public var size: Expr
  public var free: Bool
  public var range: SourceRange
}

/// `protect [SPACE] VA size SIZE ATTRS` (at least one attribute).
public struct ProtectStmt: Equatable, Sendable {
  public var space: Expr?
  public var va: Expr
  public var size: Expr
  public var attributes: [Attribute]
  public var range: SourceRange
}

/// `switch REG SPACE [asid N] [vmid N]`.
public struct SwitchStmt: Equatable, Sendable {
  public var register: BaseRegister
  public var registerRange: SourceRange
  public var space: Expr
  public var asid: Expr?
  public var vmid: Expr?
  public var range: SourceRange
}

/// `translate SPACE VA [granule G] [va_bits N]`.
public struct TranslateStmt: Equatable, Sendable {
  public var space: Expr
  public var va: Expr
  public var granule: Expr?
  public var vaBits: Expr?
  public var range: SourceRange
}

// MARK: - Memory

/// `mem write PA = VALUE [size 1|2|4|8]`.
public struct MemWriteStmt: Equatable, Sendable {
  public var address: Expr
  public var value: Expr
  public var size: Expr?
  public var range: SourceRange
}

/// `mem read PA [count N]`.
public struct MemReadStmt: Equatable, Sendable {
  public var address: Expr
  public var count: Expr?
  public var range: SourceRange
}

/// `mem load PA FILE`.
public struct MemLoadStmt: Equatable, Sendable {
  public var address: Expr
  public var file: Expr
  public var range: SourceRange
}

/// `load core FILE` (an ELF core: memory and registers) or `load symbols FILE` (a
/// System.map or kallsyms text naming addresses in walk and dump output).
public struct LoadStmt: Equatable, Sendable {
  public var kind: LoadKind
  public var file: Expr
  public var range: SourceRange
}

/// `mem save PA size SIZE FILE`.
public struct MemSaveStmt: Equatable, Sendable {
  public var address: Expr
  public var size: Expr
  public var file: Expr
  public var range: SourceRange
}

/// `decode VALUE [level N] [regime R] [granule G]`; the level is signed (`level -1`).
public struct DecodeStmt: Equatable, Sendable {
  public var value: Expr
  public var level: Expr?
  public var regime: Regime?
  public var granule: Expr?
  public var range: SourceRange
}

// MARK: - Translating

/// `walk [REGIME] VA [read|write|exec] [trace] [notlb]`.
public struct WalkStmt: Equatable, Sendable {
  public var regime: Expr?
  public var va: Expr
  public var access: AccessKind?
  public var trace: Bool
  public var noTLB: Bool
  public var range: SourceRange
}

/// `at OP VA`.
public struct ATStmt: Equatable, Sendable {
  public var operation: ATOperation
  public var va: Expr
  public var range: SourceRange
}

/// `explain VA [for REGIME]`.
public struct ExplainStmt: Equatable, Sendable {
  public var va: Expr
  public var regime: Expr?
  public var range: SourceRange
}

// MARK: - TLB maintenance and barriers

/// `tlbi OP [ADDR [size SIZE]] [asid N] [level N] [xt EXPR]`; `size` for range operations.
public struct TLBIStmt: Equatable, Sendable {
  public var operation: TLBIOperation
  public var address: Expr?
  /// The length of a range operation's address range, in bytes.
  public var size: Expr? = nil
  public var asid: Expr?
  /// The TTL hint.
  public var level: Expr?
  /// The raw register operand, instead of ADDR/asid/level.
  public var xt: Expr?
  public var range: SourceRange
}

/// `dsb [DOMAIN]`; a bare `dsb` is `dsb sy`.
public struct DSBStmt: Equatable, Sendable {
  public var domain: BarrierDomain
  public var range: SourceRange
}

/// `isb`.
public struct ISBStmt: Equatable, Sendable {
  public var range: SourceRange
}

/// `tlb fill REGIME VA`.
public struct TLBFillStmt: Equatable, Sendable {
  public var regime: Expr
  public var va: Expr
  public var range: SourceRange
}

// MARK: - Checking

/// `assert …`, in its four forms, with an optional `, "message"` after any of them.
public struct AssertStmt: Equatable, Sendable {
  public enum Condition: Equatable, Sendable {
    /// `assert walk [REGIME] VA [read|write|exec] [notlb] (== PA | faults … | allows A | denies A)`
    case walk(WalkAssertion)
    /// `assert tlb hit|miss|stale|conflict [REGIME] VA`
    case tlb(state: TLBState, regime: Expr?, va: Expr)
    /// `assert EXPR`
    case expr(Expr)
    /// `assert check …`, `assert find pa …`, `assert diff dump …`
    case table(TableAssertion)
  }
  public var condition: Condition
  public var message: Expr?
  public var range: SourceRange
}

/// The walk an `assert walk` performs and what it expects of it.
public struct WalkAssertion: Equatable, Sendable {
  public enum Expectation: Equatable, Sendable {
    /// `== PA`
    case translates(to: Expr)
    /// `faults [KIND] [level N] [stage N] [s1ptw]`: each part nil/false when not checked.
    case faults(kind: FaultKind?, level: Expr?, stage: Expr?, s1ptw: Bool)
    /// `allows ACCESS`
    case allows(AccessKind)
    /// `denies ACCESS`
    case denies(AccessKind)
  }
  public var regime: Expr?
  public var va: Expr
  /// The access of the walk; nil means read. Always nil with `allows`/`denies`.
  public var access: AccessKind?
  public var noTLB: Bool
  public var expectation: Expectation
}

/// `expect warning|error ["text"] { }`.
public struct ExpectStmt: Equatable, Sendable {
  /// `.warning` or `.error` (never `.note`).
  public var severity: Diagnostic.Severity
  public var text: Expr?
  public var body: [Stmt]
  public var range: SourceRange
}

// MARK: - Views

/// `dump [SPACE|REGIME] [VA size SIZE]`.
public struct DumpStmt: Equatable, Sendable {
  public struct Window: Equatable, Sendable {
    public var va: Expr
    public var size: Expr
  }
  public var target: Expr?
  public var window: Window?
  /// `format linux|kvm`: the kernel's own text instead of the model's rows.
  public var format: DumpFormat?
  public var range: SourceRange
}

/// `layout [REGIME]`.
public struct LayoutStmt: Equatable, Sendable {
  public var regime: Expr?
  public var range: SourceRange
}

/// `graph [SPACE] FILE`.
public struct GraphStmt: Equatable, Sendable {
  public var space: Expr?
  public var file: Expr
  public var range: SourceRange
}

// MARK: - A live machine

/// `attach "HOST:PORT"`, `refresh`, `detach [halt]`.
public struct LiveStmt: Equatable, Sendable {
  public enum Action: Equatable, Sendable {
    /// The stub's address, `HOST:PORT`.
    case attach(Expr)
    case refresh
    /// `halt`: leave the guest halted.
    case detach(halt: Bool)
  }
  public var action: Action
  public var range: SourceRange
}
