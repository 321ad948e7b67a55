import MMU
import MMUSyntax

/// The built-in functions (reference.md "Built-in functions", plus lpad/rpad/human/clz/str).
enum Builtins {
  static let names = [
    "bit", "mask", "bits", "align_up", "align_down", "is_aligned", "log2", "min", "max", "hex",
    "dec", "lpad", "rpad", "human", "clz", "ctz", "popcount", "str", "walk", "pa", "desc",
    "desc_addr", "start_level", "levels", "concat_tables", "index", "va_bits", "vmcoreinfo",
  ]

  static func call(_ name: String, _ args: [Expr], range: SourceRange, in it: Interpreter) throws
    -> Value
  {
    func arity(_ n: ClosedRange<Int>) throws {
      guard n.contains(args.count) else {
        let want =
          n.lowerBound == n.upperBound ? "\(n.lowerBound)" : "\(n.lowerBound) to \(n.upperBound)"
        throw Diagnostic.error("\(name)() takes \(want) arguments, not \(args.count)", at: range)
      }
    }
    func int(_ i: Int) throws -> UInt64 { try it.integer(args[i]) }
    func bitIndex(_ i: Int) throws -> Int { try it.smallInt(args[i], "bit", in: 0...63) }
    switch name {
    case "bit":
      try arity(1...1)
      return .hex(UInt64(1) << UInt64(try bitIndex(0)))
    case "mask":
      try arity(2...2)
      let hi = try bitIndex(0)
      let lo = try bitIndex(1)
      guard hi >= lo else { throw Diagnostic.error("mask(hi, lo) needs hi >= lo", at: range) }
      return .hex(bitMask(hi, lo))
    case "bits":
      try arity(3...3)
      let hi = try bitIndex(1)
      let lo = try bitIndex(2)
      guard hi >= lo else { throw Diagnostic.error("bits(x, hi, lo) needs hi >= lo", at: range) }
      return .hex(bitField(try int(0), hi, lo))
    case "align_up", "align_down", "is_aligned":
      try arity(2...2)
      let x = try int(0)
      let a = try int(1)
      guard a != 0, a & (a - 1) == 0 else {
        throw Diagnostic.error(
          "alignment \(it.formatter.hex(a)) is not a power of two", at: args[1].range)
      }
      if name == "is_aligned" { return .bool(x & (a - 1) == 0) }
      if name == "align_down" { return .hex(x & ~(a - 1)) }
      let (r, o) = x.addingReportingOverflow(a - 1)
      if o { throw Diagnostic.error("align_up overflows 64 bits", at: range) }
      return .hex(r & ~(a - 1))
    case "log2":
      try arity(1...1)
      let x = try int(0)
      guard x != 0 else { throw Diagnostic.error("log2(0) is undefined", at: args[0].range) }
      return .dec(63 - x.leadingZeroBitCount)
    case "clz":
      try arity(1...1)
      return .dec(try int(0).leadingZeroBitCount)
    case "ctz":
      try arity(1...1)
      return .dec(try int(0).trailingZeroBitCount)
    case "popcount":
      try arity(1...1)
      return .dec(try int(0).nonzeroBitCount)
    case "min", "max":
      guard !args.isEmpty else { throw Diagnostic.error("\(name)() needs arguments", at: range) }
      var best: Value?
      var bestValue: UInt64 = 0
      for a in args {
        let v = try it.evaluate(a)
        guard case .int(let x, _) = v else { throw it.typeError(v, "an integer", a.range) }
        if best == nil || (name == "min" ? x < bestValue : x > bestValue) {
          best = v
          bestValue = x
        }
      }
      return best ?? .none
    case "hex":
      try arity(1...1)
      return .string(it.formatter.hex(try int(0)))
    case "dec":
      try arity(1...1)
      let v = try it.evaluate(args[0])
      guard case .int(let x, let style) = v else {
        throw it.typeError(v, "an integer", args[0].range)
      }
      return .string(style == .decimal ? String(Int64(bitPattern: x)) : String(x))
    case "str":
      try arity(1...1)
      return .string(it.formatter.format(try it.evaluate(args[0])))
    case "lpad", "rpad":
      try arity(2...2)
      let s = it.formatter.format(try it.evaluate(args[0]))
      let w = try it.smallInt(args[1], "width", in: 0...4096)
      let pad = String(repeating: " ", count: max(0, w - s.count))
      return .string(name == "lpad" ? pad + s : s + pad)
    case "human":
      try arity(1...1)
      return .string(it.formatter.size(try int(0)))
    case "walk":
      try arity(2...4)
      let r = try it.regime(args[0])
      let va = try int(1)
      var access = AccessType.read
      // A fourth argument "notlb" walks the tables alone, as `walk … notlb` does.
      var useTLB = true
      if args.count == 4 {
        switch try it.string(args[3]) {
        case "notlb": useTLB = false
        case "tlb": useTLB = true
        case let other:
          throw Diagnostic.error(
            "the fourth argument is \"notlb\" or \"tlb\", not \"\(other)\"", at: args[3].range)
        }
      }
      if args.count >= 3 {
        switch try it.string(args[2]) {
        case "read": access = .read
        case "write": access = .write
        case "exec": access = .exec
        case let other:
          throw Diagnostic.error(
            "access must be \"read\", \"write\" or \"exec\", not \"\(other)\"", at: args[2].range)
        }
      }
      return .walk(
        WalkRecord(
          access: it.performAccess(
            r, va: va, access: access, trace: false, useTLB: useTLB, range: range)))
    case "pa":
      try arity(2...2)
      let r = try it.regime(args[0])
      let va = try int(1)
      if let pa = it.hitAddress(r, va: va, access: .read, useTLB: true) { return .hex(pa) }
      let a = it.performAccess(
        r, va: va, access: .read, trace: false, useTLB: true, range: range)
      switch a.outcome {
      case .translated(let t): return .hex(t.pa)
      case .faulted(let f):
        throw Diagnostic.error(
          "\(r.rawValue) \(it.formatter.hex(va)) does not translate: \(it.formatter.fault(f))",
          at: range)
      }
    case "desc", "desc_addr":
      try arity(3...3)
      let s = try it.space(args[0], range: range)
      let va = try int(1)
      let level = try it.smallInt(args[2], "level", in: -1...3)
      let w = s.softwareWalk(va, memory: it.machine.memory, trace: true)
      guard
        let step = w.steps.last(where: {
          $0.level == level && $0.stage == (s.regime.isStage2 ? 2 : 1)
        })
      else {
        throw Diagnostic.error(
          "the walk of \(it.formatter.hex(va)) in '\(s.name)' does not reach level \(level)",
          at: range)
      }
      return .hex(name == "desc" ? step.descriptor : step.entryAddress)
    case "start_level", "levels", "concat_tables", "va_bits", "index":
      try arity(name == "index" ? 3...3 : 1...1)
      let address = name == "index" ? try int(1) : 0
      let g = try geometry(args[0], address: address, range: range, in: it)
      switch name {
      case "start_level": return .dec(g.startLevel)
      case "levels": return .dec(g.levels)
      case "concat_tables": return .dec(g.concatenatedTables)
      case "va_bits": return .dec(g.inputBits)
      default:
        let level = try it.smallInt(args[2], "level", in: g.startLevel...3)
        return .dec(g.index(address, level: level))
      }
    case "vmcoreinfo":
      try arity(1...1)
      return try it.vmcoreinfoValue(try it.string(args[0]), range: args[0].range)
    default:
      throw Diagnostic.error("unknown built-in '\(name)'", at: range)
    }
  }

  /// The geometry of a regime (as its registers say) or of a space (as built).
  static func geometry(_ e: Expr, address: UInt64, range: SourceRange, in it: Interpreter) throws
    -> Geometry
  {
    let v = try it.evaluate(e)
    switch v {
    case .regime(let r):
      return try it.registerGeometry(r, address: address, range: e.range).geometry
    case .space(let n):
      guard let s = it.machine.space(named: n) else {
        throw Diagnostic.error("unknown space '\(n)'", at: e.range)
      }
      return s.geometry
    default: throw it.typeError(v, "a regime or a space", e.range)
    }
  }
}
