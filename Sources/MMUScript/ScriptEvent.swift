import MMU
import MMUSyntax

/// What a statement produced, as data. The shell renders events as text or JSON; tests
/// assert on them. The interpreter never formats a translation itself.
public enum ScriptEvent: Sendable {
  case print([Value], range: SourceRange)
  case echo(String, range: SourceRange)
  case walk(WalkEvent)
  case at(ATEvent)
  case assertion(AssertionEvent)
  /// A warning from the model or the interpreter; the statement still happened.
  case warning(Diagnostic, model: ModelWarning?)
  case memRead(address: UInt64, values: [UInt64], range: SourceRange)
  case decode(DecodeEvent)
  case show(ShowEvent)
  case explain(ExplainEvent)
  case dump(DumpEvent)
  case layout(LayoutEvent)
  case graph(GraphEvent)
  case tlb(TLBEvent)
  case live(LiveEvent)
  case ptdump(PtdumpEvent)
  case wxCheck(WXCheckEvent)
  case aliasCheck(AliasCheckEvent)
  case findPA(FindPAEvent)
  case dumpDiff(DumpDiffEvent)
  case core(CoreEvent)
  case symbols(SymbolsEvent)
}

/// `attach`, `refresh`, `detach`: what the session did.
public struct LiveEvent: Sendable {
  public enum Kind: Sendable, Equatable {
    /// Attached: each vCPU's thread id and exception level.
    case attached(cpus: [(thread: String, el: Int)])
    case refreshed(cpus: [(thread: String, el: Int)])
    /// Detached: the guest left running, or halted.
    case detached(halted: Bool)

    public static func == (a: Kind, b: Kind) -> Bool {
      switch (a, b) {
      case (.attached(let x), .attached(let y)), (.refreshed(let x), .refreshed(let y)):
        x.map(\.thread) == y.map(\.thread) && x.map(\.el) == y.map(\.el)
      case (.detached(let x), .detached(let y)): x == y
      default: false
      }
    }
  }
  /// The stub, `HOST:PORT`.
  public var host: String
  public var kind: Kind
  /// The first report of a session: it carries the note that writes stay local.
  public var first: Bool
  public var range: SourceRange
}

/// `load core`: what was loaded and the registers derived from it.
public struct CoreEvent: Sendable {
  public var state: LoadedCore
  public var range: SourceRange
}

/// `load symbols`.
public struct SymbolsEvent: Sendable {
  public var path: String
  public var count: Int
  public var range: SourceRange
}

/// `walk` and `translate`.
public struct WalkEvent: Sendable {
  /// The regime walked as named (`el1`…), or the space of a software walk (`translate`).
  public var target: ViewTarget
  /// The translation regime walked: which ELs the rights are for (non-VHE EL2 has no EL0).
  public var regime: MMU.Regime
  public var cpu: Int
  public var result: AccessResult
  public var trace: Bool
  /// The nearest symbol at or below the VA (`load symbols`).
  public var symbol: SymbolicAddress? = nil
  public var range: SourceRange
  /// The output is an IPA: `s1` under stage 2, or a space whose tables are `via` a stage 2.
  public var outputIsIPA = false
  /// What caused the fault, where the fault alone does not say (PSTATE.PAN).
  public var cause: FaultCause? = nil
}

public struct ATEvent: Sendable {
  public var operation: MMU.ATOperation
  public var va: UInt64
  public var result: ATResult
  public var access: AccessResult
  public var range: SourceRange
  /// What caused the fault, where the fault alone does not say (PSTATE.PAN).
  public var cause: FaultCause? = nil
}

public struct DecodeEvent: Sendable {
  public var value: UInt64
  public var level: Int
  public var format: DescriptorFormat
  public var granule: Granule
  public var ds: Bool
  public var paMax: Int
  public var mair: UInt64
  public var range: SourceRange
}

public struct ShowEvent: Sendable {
  public enum Topic: Sendable {
    /// `pan` is the CPU's PSTATE.PAN.
    case regs(cpu: Int, registers: RegisterFile, el: Int, pan: Bool)
    case machine(MachineSummary)
    case spaces([SpaceSummary])
    case cpus([CPUSummary])
    case tlb(TLBSnapshot)
  }
  public var topic: Topic
  public var range: SourceRange
}

public struct MachineSummary: Sendable {
  public var cpus: Int
  public var currentCPU: Int
  public var poolBase: UInt64
  public var poolSize: UInt64
  public var poolInUse: UInt64
  public var allocatedPages: Int
  public var pageBudget: Int
  public var features: Features
  public var options: ModelOptions
}

public struct SpaceSummary: Sendable {
  public var name: String
  public var regime: MMU.Regime
  public var upper: Bool?
  public var geometry: Geometry
  public var root: UInt64
  public var via: String?
}

public struct CPUSummary: Sendable {
  public var index: Int
  public var el: Int
  public var online: Bool
  public var current: Bool
  public var tlbEntries: Int
}

/// `explain VA [for REGIME]`: the fields of a VA as the regime's registers read it now.
public struct ExplainEvent: Sendable {
  /// The regime as named (`el1`…); `regime` is the translation regime it means now.
  public var accessRegime: AccessRegime
  public var regime: MMU.Regime
  /// The fields, and whether the top bits are in range.
  public var breakdown: AddressBreakdown
  /// The register the walk starts from (`TTBR1_EL1`, `VTTBR_EL2`…).
  public var baseRegister: String
  /// The start table's address that register gives.
  public var tableBase: UInt64
  public var range: SourceRange

  public var va: UInt64 { breakdown.address }
  public var geometry: Geometry { breakdown.geometry }
}

/// One half (or the one range) of a dump: the tables under one base register or space.
public struct DumpSection: Sendable {
  /// `TTBR1_EL1`, `VTTBR_EL2`… for a regime; the base register of the space's half for a space.
  public var name: String
  public var regime: MMU.Regime
  public var geometry: Geometry
  /// The start table (an IPA when `outputIsIPA`/`via`).
  public var root: UInt64
  /// The input range dumped: the half, clipped to the window asked for.
  public var first: UInt64
  public var last: UInt64
  /// The space whose root this is, if any.
  public var space: String?
  /// The stage 2 the tables' own addresses go through (a space name, or `VTTBR_EL2`).
  public var via: String?
  /// Stage 1 under stage 2: the outputs are IPAs.
  public var outputIsIPA: Bool
  public var runs: [LeafRun]
  /// The symbol at each run's start (`load symbols`), parallel to `runs`; empty without one.
  public var symbols: [SymbolicAddress?] = []
  /// Why nothing could be read (the registers describe no walk, a table IPA is unmapped).
  public var problem: ViewProblem?
}

/// `dump [SPACE|REGIME] [VA size SIZE]`: ptdump-style rows, one section per half.
public struct DumpEvent: Sendable {
  /// The regime or space dumped.
  public var target: ViewTarget
  public var cpu: Int
  public var sections: [DumpSection]
  public var range: SourceRange
}

/// Leaves of one level and kind in a layout extent.
public struct LeafCount: Sendable, Equatable {
  public var level: Int
  public var kind: DescriptorKind
  public var count: Int
}

/// A mapped stretch of a layout: adjacent leaf runs, whatever their attributes.
public struct LayoutExtent: Sendable, Equatable {
  public var first: UInt64
  public var last: UInt64
  public var leaves: [LeafCount]
}

/// One region of a regime's VA map: a range a base register translates, or a hole between
/// or above the ranges (every access there faults before any descriptor is read).
public struct LayoutRegion: Sendable {
  public enum Kind: String, Sendable { case range, hole }
  public var kind: Kind
  /// The base register that translates the range (`TTBR0_EL1`…); nil for a hole.
  public var name: String?
  public var first: UInt64
  public var last: UInt64
  public var geometry: Geometry?
  public var root: UInt64?
  public var space: String?
  public var extents: [LayoutExtent]
  /// Why the range was not read (as `DumpSection.problem`).
  public var problem: ViewProblem?
  /// A hole: the fault an access there takes before any descriptor is read.
  public var fault: Fault? = nil
}

/// `layout [REGIME]`: the VA map of a regime as its registers describe it now.
public struct LayoutEvent: Sendable {
  /// The regime as named (`el1`…); `regime` is the translation regime it means now.
  public var accessRegime: AccessRegime
  public var regime: MMU.Regime
  public var cpu: Int
  public var regions: [LayoutRegion]
  public var range: SourceRange
}

/// `graph [SPACE] FILE`: what was written.
public struct GraphEvent: Sendable {
  public var space: String
  /// The file asked for.
  public var path: String
  /// `dot`, `svg` or `png`.
  public var format: String
  /// Where the Graphviz source went when it is not `path` (beside an image).
  public var dotPath: String?
  /// An image was asked for and `dot` made it.
  public var rendered: Bool
  public var tables: Int
  /// Nodes standing for several sibling tables of leaves.
  public var tableGroups: Int
  /// Leaf-run nodes.
  public var leafRuns: Int
  /// An image was asked for but Graphviz `dot` was not found: only the source (`dotPath`)
  /// was written. The shell says so and how to install it.
  public var dotMissing: Bool
  public var range: SourceRange
}

/// TLB maintenance and barriers: `tlbi`, `dsb`, `isb`, `tlb fill`. The text renderer prints
/// none of them (the walks after show their effect); a JSON log records each, so the steps
/// of a TLB bug can be read from it (docs/json.md).
public struct TLBEvent: Sendable {
  public enum Action: Sendable {
    /// Issued: pending until a DSB completes it; the report previews its reach.
    case tlbi(TLBIReport)
    case dsb(BarrierReport)
    /// The TLBIs still pending on the CPU when it executed.
    case isb(pending: [PendingTLBI])
    /// `tlb fill REGIME VA`: what the walk found and the TLB now holds.
    case fill(regime: AccessRegime, va: UInt64, result: AccessResult)
  }
  public var action: Action
  /// The CPU that executed it.
  public var cpu: Int
  public var range: SourceRange

  public init(_ action: Action, cpu: Int, range: SourceRange) {
    self.action = action
    self.cpu = cpu
    self.range = range
  }
}

/// Receives events as they happen.
public protocol EventSink: AnyObject {
  func emit(_ event: ScriptEvent)
  /// The words of a model warning, for the diagnostic that carries it and for
  /// `expect warning`. The shell's renderers word it; a sink that renders nothing (a test's
  /// collector) names the kind.
  func message(for warning: ModelWarning, formatter: ValueFormatter) -> String
  /// The words of a view's problem, for the diagnostic that carries it (`dump … format
  /// linux` of a half that cannot be read, `explain` of registers that describe no walk).
  func message(for problem: ViewProblem, formatter: ValueFormatter) -> String
  /// The words of what a core cannot tell about its kernel's markers, for its warning.
  func message(for warning: CoreMarkerWarning) -> String
  /// The words of what a statement reads (`el1`, `space k`), for the diagnostics that name
  /// it (`… has no tables`), so they say it as the events' renderings do.
  func words(for target: ViewTarget) -> String
}

extension EventSink {
  public func message(for warning: ModelWarning, formatter: ValueFormatter) -> String {
    warning.kind.rawValue
  }
  public func message(for problem: ViewProblem, formatter: ValueFormatter) -> String {
    problem.kind.rawValue
  }
  public func message(for warning: CoreMarkerWarning) -> String { warning.rawValue }
  public func words(for target: ViewTarget) -> String { "\(target)" }
}

/// Keeps events, for tests and for `expect`.
public final class EventCollector: EventSink {
  public private(set) var events: [ScriptEvent] = []
  public init() {}
  public func emit(_ event: ScriptEvent) { events.append(event) }
}
