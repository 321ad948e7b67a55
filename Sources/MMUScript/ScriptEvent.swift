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
}

/// `walk` and `translate`.
public struct WalkEvent: Sendable {
  /// The regime word (`el1`…) or `space NAME` for a software walk.
  public var label: String
  public var cpu: Int
  public var result: AccessResult
  public var trace: Bool
  public var range: SourceRange
}

public struct ATEvent: Sendable {
  public var operation: MMU.ATOperation
  public var va: UInt64
  public var result: ATResult
  public var access: AccessResult
  public var range: SourceRange
}

public struct AssertionEvent: Sendable {
  public var passed: Bool
  /// What was checked, e.g. `walk el1 0xffff_0000_0000_1000 == 0x4000_1000`.
  public var what: String
  public var expected: String?
  public var actual: String?
  public var message: String?
  public var range: SourceRange
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
    case regs(cpu: Int, registers: RegisterFile, el: Int)
    case machine(MachineSummary)
    case spaces([SpaceSummary])
    case cpus([CPUSummary])
    case tlb(cpu: Int, entries: [TLBEntry])
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

/// `explain VA [for REGIME]`: the fields of a VA for a geometry.
public struct ExplainEvent: Sendable {
  public var va: UInt64
  public var label: String
  public var geometry: Geometry
  /// Two-range regimes: whether bit 55 selected TTBR1; nil for one-range regimes.
  public var upper: Bool?
  /// The register the walk starts from.
  public var baseRegister: String
  public var range: SourceRange
}

/// One coalesced row of a dump: a run of entries with the same attributes and contiguous
/// output addresses.
public struct DumpRow: Sendable, Equatable {
  public var start: UInt64
  /// Inclusive.
  public var last: UInt64
  public var level: Int
  public var pageSize: UInt64
  public var outputStart: UInt64
  public var descriptor: UInt64
  public var count: Int
}

public struct DumpEvent: Sendable {
  public var space: String
  public var regime: MMU.Regime
  public var geometry: Geometry
  public var upper: Bool?
  public var rows: [DumpRow]
  public var range: SourceRange
}

public struct LayoutEvent: Sendable {
  public var label: String
  /// (name, first, last) per VA range the regime has, with the geometry walking it.
  public var ranges: [(name: String, first: UInt64, last: UInt64, geometry: Geometry?)]
  public var mapped: [(space: String, first: UInt64, last: UInt64)]
  public var range: SourceRange
}

public struct GraphEvent: Sendable {
  public var space: String
  public var path: String
  public var tables: Int
  public var note: String?
  public var range: SourceRange
}

public struct TLBEvent: Sendable {
  public var what: String
  public var range: SourceRange
}

/// Receives events as they happen.
public protocol EventSink: AnyObject {
  func emit(_ event: ScriptEvent)
}

/// Keeps events, for tests and for `expect`.
public final class EventCollector: EventSink {
  public private(set) var events: [ScriptEvent] = []
  public init() {}
  public func emit(_ event: ScriptEvent) { events.append(event) }
}
