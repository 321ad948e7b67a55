import MMU
import MMUCoreFile
import MMULive
import MMUSyntax

/// Limits and paths of a run, set from the command line or with `set`.
///
/// The limits bound what any script can cost: statements executed, procedure nesting,
/// simulated memory, and the entries one command lists. A script may lower them with `set`
/// and raise them again up to the values the run started with (the command line's), never
/// beyond: a stranger's script cannot lift the limits it is run under.
public struct InterpreterOptions: Sendable {
  /// Statements (and loop iterations) a run may execute before it stops with an error.
  public var maxSteps = 50_000_000
  /// Nested procedure calls.
  public var maxCallDepth = 200
  /// Bytes of simulated memory (table pages and written pages, 4K each) a run may allocate.
  public var maxMemory: UInt64 = 1 << 30
  /// Where `import` looks, in order: the stdlib folder, $MMUSH_PATH, -I folders.
  public var modulePaths: [String] = []
  /// Folders beyond the current directory that scripts may write into.
  public var allowWrite: [String] = []
  /// Refuse every file write (`mem save`, `graph`): the fuzzers run scripts this way.
  public var forbidWrites = false
  /// Stop at the first failed assertion.
  public var stopOnFailure = false
  /// Entries a listing (`mem read count`, `dump`) may produce.
  public var maxOutputItems = 1_000_000
  /// Seconds a live stub has to answer one packet.
  public var liveTimeout: Double = 10
  /// Refuse `attach` (the fuzzers: a generated script must not open connections).
  public var forbidNetwork = false
  public init() {}

  /// `maxMemory` in 4K pages, the unit of `PhysicalMemory.pageBudget`.
  public var memoryPages: Int { Int(min(maxMemory / 4096, UInt64(Int.max))) }

  /// The longest string a script may build (`+`); literals are bounded by the script's size.
  public static let maxStringBytes = 16 << 20
}

/// Thrown to end a run early after `--stop-on-failure`.
public struct StopRun: Error {}

/// How a block ended.
enum Flow {
  case normal
  case returned(Value)
}

/// The interpreter: a switch over the AST, driving the machine model and emitting events.
public final class Interpreter {
  // The interpreter runs on one thread and no statement re-enters another while it holds one
  // of these, so the properties every statement touches opt out of dynamic exclusivity
  // checks (they cost a third of a simple statement).
  @exclusivity(unchecked) public private(set) var machine: Machine
  public let sink: EventSink
  @exclusivity(unchecked) public var options: InterpreterOptions
  /// The options the run started with: `set` may not raise a limit beyond them.
  public let ceilings: InterpreterOptions
  public var formatter = ValueFormatter()
  /// Global variables: top-level `let`s of scripts and modules.
  @exclusivity(unchecked) var globals = Globals()
  /// Block-scoped variables, innermost last, and where each open block's variables begin.
  /// With no block open, `let` declares a global. A flat array keeps lookups to a short scan
  /// (names are compared, not hashed) and lets a loop reuse its storage every iteration.
  @exclusivity(unchecked) var locals: [Local] = []
  @exclusivity(unchecked) var blockStarts: [Int] = []
  var procs: [String: ProcStmt] = [:]
  /// Every source file loaded, by name, so diagnostics can show their lines.
  public internal(set) var sources: [String: SourceFile] = [:]
  @exclusivity(unchecked) var steps = 0
  @exclusivity(unchecked) var callDepth = 0
  var importedModules: Set<String> = []
  /// Files being executed, innermost last: `include` is relative to the last one, and a file
  /// already on the stack is a cycle.
  var fileStack: [String] = []
  /// The markers `dump … format linux` cuts its rows at (`marker`), in address order.
  var ptdumpMarkers: [PtdumpMarker] = []
  /// `snapshot dump … as NAME`: rows kept by name for `diff dump` (values: kept by `reset`).
  public internal(set) var dumpSnapshots: [String: DumpSnapshot] = [:]
  /// The kernel core `load core` loaded, if any (cleared by `reset`).
  public internal(set) var loadedCore: LoadedCore?
  /// The symbols `load symbols` read, naming addresses in walk and dump output. Read on every
  /// walk, written only by `load symbols` and `load core`, which call nothing that reads it:
  /// unchecked, like `machine` (a dynamic exclusivity check cost ~75 instructions a walk).
  @exclusivity(unchecked) public internal(set) var symbolTable: SymbolTable?
  /// The space `map`, `unmap`, `protect`, `dump` use when none is named.
  public var currentSpace: String?
  public private(set) var passed = 0
  public private(set) var failed = 0
  /// Open `expect warning` blocks collect warnings here instead of printing them.
  var warningCaptures: [[String]] = []
  /// The stack left on the thread that runs the script (checked on every call and block).
  var stackGuard = StackGuard()
  /// Makes a graph view's Graphviz source: the shell's (MMUShell's DOTText), set by its
  /// runner; without it `graph` is an error. The interpreter writes the file.
  public var graphSource: ((GraphView, ValueFormatter) -> GraphSource)?
  /// Sees every `at`, `walk` and `assert walk` before it runs (`mmush --qemu`). Set once by
  /// the runner and read on every walk: unchecked, as `symbolTable`.
  @exclusivity(unchecked) public var translationObserver: (any TranslationObserver)?
  /// The live machine attached (`attach`), if any; see Interpreter+Live.
  var live: LiveTarget?
  @exclusivity(unchecked) var liveAttached = false
  /// Words a live session's failure (the shell sets it: wording lives there).
  public var describeLiveError: (LiveError) -> String = { "\($0)" }
  /// Polled between statements; returning true stops the run (the REPL's Ctrl-C).
  public var shouldInterrupt: () -> Bool = { false }

  public init(options: InterpreterOptions = InterpreterOptions(), sink: EventSink) {
    self.options = options
    self.ceilings = options
    self.sink = sink
    self.machine = Machine(memory: PhysicalMemory(pageBudget: options.memoryPages))
  }

  public var variables: [String] { Array(Set(globals.names).union(locals.map(\.name))).sorted() }
  public var procedureNames: [String] { procs.keys.sorted() }

  /// `reset`: a fresh machine; variables and procedures are kept.
  public func resetMachine() {
    machine = Machine(memory: PhysicalMemory(pageBudget: options.memoryPages))
    currentSpace = nil
    // Attached: the fresh machine is the live guest again, without mmush's changes.
    if let live {
      machine.memory.attach(source: live)
      loadLive(live.cpus)
    }
    loadedCore = nil
  }

  /// Parses and runs a whole file. Diagnostics propagate; a failed assertion does not.
  public func run(_ file: SourceFile) throws {
    guard fileStack.isEmpty else { return try runHere(file) }
    // The outermost run moves to a large stack; see LargeStack.
    var failure: Error?
    LargeStack.run {
      self.stackGuard = StackGuard()
      do { try self.runHere(file) } catch { failure = error }
    }
    if let failure { throw failure }
  }

  func runHere(_ file: SourceFile) throws {
    sources[file.name] = file
    let stmts: [Stmt]
    do { stmts = try parse(file) } catch { throw error }
    fileStack.append(file.name)
    defer { fileStack.removeLast() }
    _ = try execute(stmts)
  }

  /// Registers a source without running it (the REPL's lines).
  public func register(_ file: SourceFile) { sources[file.name] = file }

  // MARK: Blocks and scopes

  func execute(_ stmts: [Stmt]) throws -> Flow {
    for s in stmts {
      if case .returned(let v) = try execute(s) { return .returned(v) }
    }
    return .normal
  }

  func executeScoped(_ stmts: [Stmt]) throws -> Flow {
    try checkStack(stmts.first?.range)
    let start = locals.count
    blockStarts.append(start)
    defer {
      locals.removeSubrange(min(start, locals.count)...)
      blockStarts.removeLast()
    }
    return try execute(stmts)
  }

  /// Counts a statement against the step limit. The range is only built for a diagnostic.
  @inline(__always)
  func step(_ range: @autoclosure () -> SourceRange) throws {
    steps += 1
    if steps > options.maxSteps || steps & 0x3ff == 0 { try stepChecks(range()) }
  }

  /// What `step` checks rarely: the limit, and every 1024 steps an interrupt and the TLBs'
  /// memory.
  func stepChecks(_ range: SourceRange) throws {
    if steps > options.maxSteps {
      throw Diagnostic.error(
        "step limit of \(options.maxSteps) statements reached", at: range,
        hint: "raise it with --max-steps N")
    }
    if steps & 0x3ff == 0 {
      if shouldInterrupt() { throw Diagnostic.error("interrupted", at: range) }
      try checkTLBMemory(range)
    }
  }

  /// Counts work a statement did beyond a simple one against the step limit (a broadcast
  /// TLBI scanning large TLBs, a speculation pass): checked at the next statement.
  /// Work is added in whole multiples of 1024 (the rest carried to the next call), so `steps`
  /// keeps its place modulo 1024 and the periodic checks (interrupt, TLB memory) still run.
  func addWork(_ units: Int) {
    workCarry += max(0, min(units, 1 << 40))
    let whole = workCarry & ~0x3ff
    workCarry &= 0x3ff
    steps = steps > Int.max - whole ? Int.max - 1 : steps + whole
  }
  @exclusivity(unchecked) var workCarry = 0

  /// Leaf and walk-cache entries in every CPU's TLB.
  var tlbEntries: Int { machine.cpus.reduce(0) { $0 + $1.tlb.count + $1.tlb.walkCount } }

  /// Host bytes one TLB or walk-cache entry is charged against the memory budget: a leaf
  /// entry's share of its hash table (two to four 96-byte slots and their 16-byte paths'
  /// handles) and its path (~100 bytes); measured at ~420 bytes with 262,144 entries, and
  /// more while the table doubles.
  static let tlbEntryCost = 640

  /// TLB entries live in host memory too: every walk may fill one, so a long loop of walks
  /// over a large mapping is stopped (checked every 1024 steps) before its TLBs outgrow the
  /// memory budget.
  func checkTLBMemory(_ range: SourceRange) throws {
    let entries = tlbEntries
    // What the pages written leave of the budget.
    let pagesBytes = machine.memory.pagesInUse * PhysicalMemory.pageSize
    let budget = Int(min(options.maxMemory, UInt64(Int.max)))
    let allowed = max(0, budget - pagesBytes) / Self.tlbEntryCost
    guard entries > allowed else { return }
    throw Diagnostic.error(
      "the TLBs hold \(entries) entries, more than the memory budget allows (\(allowed))",
      at: range, hint: "invalidate them with tlbi and dsb, or raise --max-memory")
  }

  /// Counts `n` statements' worth of work done inside one statement (parsing a file).
  func charge(_ n: Int, _ range: SourceRange) throws {
    addWork(n)
    try step(range)
  }

  /// Where this run may write files.
  var writePolicy: PathPolicy {
    PathPolicy(allowed: options.allowWrite, forbidden: options.forbidWrites)
  }

  func lookupVariable(_ name: String) -> Value? {
    var i = locals.count
    while i > 0 {
      i -= 1
      if locals[i].name == name { return locals[i].value }
    }
    return globals[name]
  }

  func assignVariable(_ name: Name, _ value: Value) throws {
    var i = locals.count
    while i > 0 {
      i -= 1
      if locals[i].name == name.text {
        locals[i].value = value
        return
      }
    }
    if globals[name.text] != nil {
      globals[name.text] = value
      return
    }
    throw Diagnostic.error(
      "assignment to undeclared variable '\(name.text)'", at: name.range,
      hint: "declare it first with `let \(name.text) = …`")
  }

  // MARK: Statements

  func execute(_ stmt: Stmt) throws -> Flow {
    try step(stmt.range)
    switch stmt {
    case .let(let s):
      if machine.hasSpaces && machine.space(named: s.name.text) != nil {
        throw Diagnostic.error("'\(s.name.text)' is already a space", at: s.name.range)
      }
      let value = try evaluate(s.value)
      if let start = blockStarts.last {
        for j in start..<locals.count where locals[j].name == s.name.text {
          throw Diagnostic.error(
            "'\(s.name.text)' is already declared in this scope", at: s.name.range)
        }
        locals.append(Local(name: s.name.text, value: value))
      } else {
        if globals[s.name.text] != nil {
          throw Diagnostic.error(
            "'\(s.name.text)' is already declared in this scope", at: s.name.range)
        }
        globals[s.name.text] = value
      }
    case .assign(let s):
      try assignVariable(s.name, try evaluate(s.value))
    case .proc(let s):
      if Builtins.names.contains(s.name.text) {
        throw Diagnostic.error("'\(s.name.text)' is a built-in function", at: s.name.range)
      }
      procs[s.name.text] = s
    case .call(let s):
      _ = try call(s.callee, s.arguments, range: s.range)
    case .return(let s):
      return .returned(try s.value.map(evaluate) ?? .none)
    case .if(let s):
      for b in s.branches where try truth(evaluate(b.condition), b.condition.range) {
        return try executeScoped(b.body)
      }
      if let e = s.elseBody { return try executeScoped(e) }
    case .for(let s):
      return try executeFor(s)
    case .import(let s):
      try importModule(s)
    case .include(let s):
      try include(s)
    case .print(let s):
      let values = try s.values.map(evaluate)
      // Printing a long string costs its length (rendering, JSON quoting): a step per 128
      // bytes.
      for case .string(let text) in values { addWork(text.utf8.count >> 7) }
      sink.emit(.print(values, range: s.range))
    case .echo(let s):
      let text = try s.value.map { formatter.format(try evaluate($0)) } ?? ""
      addWork(text.utf8.count >> 7)
      sink.emit(.echo(text, range: s.range))
    case .reset:
      resetMachine()
    case .walk(let s):
      // The commonest machine statement in loops, dispatched here rather than through
      // `executeMachine`'s second switch.
      try executeWalk(s)
    default:
      try executeMachine(stmt)
    }
    if liveAttached { try checkLive(stmt.range) }
    return .normal
  }

  func executeFor(_ s: ForStmt) throws -> Flow {
    // The loop variable prints as its start does: `0 ..< 3` counts in decimal, an address
    // range in hex.
    let first = try evaluate(s.from)
    guard case .int(let from, let style) = first else {
      throw typeError(first, "an integer", s.from.range)
    }
    let to = try integer(s.to)
    let stepValue = try s.step.map { try integer($0) } ?? 1
    guard stepValue > 0 else {
      throw Diagnostic.error("a for loop's step must be positive", at: s.step?.range ?? s.range)
    }
    var i = from
    // One block for the whole loop: each iteration drops the body's variables and rebinds the
    // loop variable in place, with no allocation.
    let start = locals.count
    blockStarts.append(start)
    defer {
      locals.removeSubrange(min(start, locals.count)...)
      blockStarts.removeLast()
    }
    let name = s.variable.text
    let body = prepareLoopBody(s.body)
    while s.inclusive ? i <= to : i < to {
      try step(s.range)
      while locals.count > start + 1 { locals.removeLast() }
      if locals.count == start + 1 {
        locals[start].value = .int(i, style)
      } else {
        locals.append(Local(name: name, value: .int(i, style)))
      }
      let flow = try execute(body)
      if case .returned = flow { return flow }
      let (next, o) = i.addingReportingOverflow(stepValue)
      if o { break }
      i = next
    }
    return .normal
  }

  // MARK: Procedures

  func call(_ callee: Name, _ arguments: [Expr], range: SourceRange) throws -> Value {
    if let p = procs[callee.text] {
      guard arguments.count == p.parameters.count else {
        throw Diagnostic.error(
          "'\(callee.text)' takes \(p.parameters.count) argument\(p.parameters.count == 1 ? "" : "s"), not \(arguments.count)",
          at: range)
      }
      let values = try arguments.map(evaluate)
      try checkStack(range)
      guard callDepth < options.maxCallDepth else {
        throw Diagnostic.error(
          "recursion deeper than \(options.maxCallDepth) calls in '\(callee.text)'", at: range,
          hint: "raise it with --max-depth N")
      }
      callDepth += 1
      // A procedure sees globals and its parameters, not its caller's locals.
      let savedLocals = locals
      let savedBlocks = blockStarts
      locals = zip(p.parameters, values).map { Local(name: $0.text, value: $1) }
      blockStarts = [0]
      defer {
        locals = savedLocals
        blockStarts = savedBlocks
        callDepth -= 1
      }
      if case .returned(let v) = try execute(p.body) { return v }
      return .none
    }
    if Builtins.names.contains(callee.text) {
      return try Builtins.call(callee.text, arguments, range: range, in: self)
    }
    let hint = closestMatch(callee.text, in: Array(procs.keys) + Builtins.names).map {
      "did you mean '\($0)'?"
    }
    throw Diagnostic.error("unknown procedure '\(callee.text)'", at: callee.range, hint: hint)
  }

  /// Stops recursion that would run out of stack, with a diagnostic at the statement.
  func checkStack(_ range: SourceRange?) throws {
    guard stackGuard.hasRoom() else {
      throw Diagnostic.error(
        "nesting too deep: the interpreter's stack is exhausted (\(callDepth) calls deep)",
        at: range
          ?? SourceRange(
            at: SourceLocation(file: fileStack.last ?? "", line: 0, column: 0, offset: 0)))
    }
  }

  // MARK: Diagnostics and results

  /// Emits a warning (or hands it to an open `expect warning`).
  func warn(_ message: String, at range: SourceRange, model: ModelWarning? = nil) {
    // A warning is output: counted as work, so a statement that warns once per pending TLBI
    // (strict barriers) cannot make a run quadratic.
    addWork(1)
    // An `expect warning` block checks the warning; it is still shown, since it is what the
    // reader of a scenario came to see.
    if !warningCaptures.isEmpty {
      warningCaptures[warningCaptures.count - 1].append(message)
    }
    sink.emit(
      .warning(Diagnostic(severity: .warning, message: message, range: range), model: model))
  }

  func record(_ e: AssertionEvent) throws {
    if e.passed { passed += 1 } else { failed += 1 }
    sink.emit(.assertion(e))
    if !e.passed && options.stopOnFailure { throw StopRun() }
  }
}

/// A block-scoped variable. A struct, not a tuple: arrays of tuples are copied and destroyed
/// through the runtime's generic tuple witnesses, on every loop iteration.
struct Local {
  var name: String
  var value: Value
}

/// Global variables: values in slots that never move, found by name. The last few names
/// resolved are remembered with their slots, so a loop that reads a global compares a short
/// name instead of hashing it.
struct Globals {
  private var slots: [String: Int] = [:]
  private var values: [Value] = []
  private var recentNames: [String] = ["", "", "", ""]
  private var recentSlots: [Int] = [-1, -1, -1, -1]
  private var nextRecent = 0

  var names: Dictionary<String, Int>.Keys { slots.keys }

  private mutating func slot(_ name: String) -> Int? {
    var k = 0
    while k < 4 {
      if recentSlots[k] >= 0 && recentNames[k] == name { return recentSlots[k] }
      k += 1
    }
    guard let i = slots[name] else { return nil }
    recentNames[nextRecent] = name
    recentSlots[nextRecent] = i
    nextRecent = (nextRecent + 1) & 3
    return i
  }

  subscript(name: String) -> Value? {
    mutating get { slot(name).map { values[$0] } }
    set {
      if let i = slot(name) {
        // Globals are never removed: a nil assignment is not made by the interpreter.
        if let newValue { values[i] = newValue }
      } else if let newValue {
        slots[name] = values.count
        values.append(newValue)
      }
    }
  }
}
