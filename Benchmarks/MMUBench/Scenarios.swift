// The scenarios. Each sets up its machine (untimed), checks once that the operation does
// what it should (a translation, a TLB hit, 24 reads for a nested walk...), then times it.

import CBaselines
import MMU
import MMUScript
import MMUShell
import MMUSyntax

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

struct Scenario: Sendable {
  let name: String
  let summary: String
  let run: @Sendable (RunConfig) -> Measurement
}

let million = 1_000_000

/// Every scenario, in the order they run.
let scenarios: [Scenario] = [
  Scenario(
    name: "walk-4k-48", summary: "1 GiB of 4K pages, 1M random VAs walked, no TLB, no trace",
    run: walk4K48),
  Scenario(
    name: "walk-tlb-hit", summary: "the same VAs through a warm TLB (every access a hit)",
    run: walkTLBHit),
  Scenario(
    name: "walk-tlb-hit-2k",
    summary: "TLB hits over 2,048 pages (a hardware TLB's reach), 1M random VAs",
    run: walkTLBHit2K),
  Scenario(
    name: "walk-tlb-hit-pa",
    summary: "the walk-tlb-hit VAs, address only (`Machine.hitAddress`, what pa() asks)",
    run: walkTLBHitPA),
  Scenario(
    name: "walk-nested", summary: "stage 1 (4 levels) + stage 2 (4 levels), 1M VAs, no TLB",
    run: walkNested),
  Scenario(
    name: "walk-64k-52", summary: "64K granule, 52-bit VA (3 levels), 1M walks, no TLB",
    run: walk64K52),
  Scenario(
    name: "walk-lpa2", summary: "4K granule, LPA2, 52-bit VA (5 levels), 1M walks, no TLB",
    run: walkLPA2),
  Scenario(
    name: "map-unmap-1m", summary: "map then unmap (free) 4 GiB as 4K pages: 1,048,576 pages",
    run: mapUnmap),
  Scenario(
    name: "memory-1m",
    summary: "peak RSS of a process mapping 4 GiB of 4K pages vs the tables' bytes",
    run: memoryPeak),
  Scenario(
    name: "map-linear-64g", summary: "64 GiB linear map with the largest blocks, then 1M walks",
    run: mapLinear64G),
  Scenario(
    name: "dump-1g-4k",
    summary: "`dump` of 1 GiB of 4K pages plus scattered blocks (Runner, text discarded)",
    run: dump1G),
  Scenario(
    name: "script-loop", summary: "for i in 0 ..< 1000000 { let x = i * 4K + base }",
    run: scriptLoop),
  Scenario(
    name: "script-walks", summary: "1M `walk el1 VA` statements, events to a discarding sink",
    run: { scriptWalks($0, text: false) }),
  Scenario(
    name: "script-walks-text", summary: "the same through Runner, text rendered to a NullOutput",
    run: { scriptWalks($0, text: true) }),
  Scenario(
    name: "json-walks",
    summary: "what a --json walk event costs beyond the walk (rendered minus sink)",
    run: { renderedWalks($0, json: true) }),
  Scenario(
    name: "text-walks", summary: "what a rendered walk line costs beyond the walk",
    run: { renderedWalks($0, json: false) }),
  Scenario(
    name: "dump-text-1g",
    summary: "what a rendered dump row costs beyond the scan (one row a 4K page)",
    run: dumpText),
  Scenario(
    name: "startup", summary: "`mmush -c 'print 1'` as a whole process (posix_spawn + wait4)",
    run: startup),
  Scenario(
    name: "tlbi-churn", summary: "map/walk/unmap/TLBI VALE1IS/DSB ISH cycles on 4 CPUs",
    run: tlbiChurn),
  Scenario(
    name: "scaling", summary: "map and dump cost vs mapped size and vs address-space size",
    run: scaling),
]

// MARK: Walks

/// Times `vas` walked on CPU 0 in `context`. Checks a sample first: every VA translates, and
/// with `tlb` every access after the warm-up is a hit.
func timeWalks(
  _ name: String, _ machine: Machine, _ context: AccessContext, _ vas: [UInt64], tlb: Bool,
  _ config: RunConfig, expectAccesses: Int? = nil, baseline: (() -> Int)? = nil,
  addressOnly: Bool = false
) -> (cpu: [Double], wall: [Double], baseline: [Double]) {
  let c = machine.cpu
  for va in vas.prefix(256) {
    let r = machine.access(cpu: c, context: context, address: va, access: .read, useTLB: tlb)
    check(r.outcome.translation != nil, "\(name): \(va) does not translate: \(r.outcome)")
    if let n = expectAccesses { check(r.accesses == n, "\(name): \(r.accesses) reads, not \(n)") }
  }
  let walks = { () -> Int in
    var sum: UInt64 = 0
    for va in vas {
      let r = machine.access(cpu: c, context: context, address: va, access: .read, useTLB: tlb)
      if case .translated(let t) = r.outcome { sum &+= t.pa }
    }
    blackHole(sum)
    return vas.count
  }
  // What a caller of `pa()` does: the address-only hit, the full access when it declines.
  let addresses = { () -> Int in
    var sum: UInt64 = 0
    for va in vas {
      if let pa = machine.hitAddress(cpu: c, context: context, address: va, access: .read) {
        sum &+= pa
      } else {
        let r = machine.access(cpu: c, context: context, address: va, access: .read)
        if case .translated(let t) = r.outcome { sum &+= t.pa }
      }
    }
    blackHole(sum)
    return vas.count
  }
  let t: (cpu: [Double], wall: [Double], baseline: [Double])
  if let baseline {
    t = measurePair(config, body: addressOnly ? addresses : walks, baseline: baseline)
  } else {
    let m = measure(config, body: addressOnly ? addresses : walks)
    t = (m.cpu, m.wall, [])
  }
  if tlb {
    for va in vas.prefix(256) {
      let r = machine.access(cpu: c, context: context, address: va, access: .read)
      check(r.tlb == .hit, "\(name): not a TLB hit after the warm-up: \(r.tlb)")
      if addressOnly {
        let pa = machine.hitAddress(cpu: c, context: context, address: va, access: .read)
        check(
          pa != nil && pa == r.outcome.translation?.pa,
          "\(name): the address-only hit gave \(String(describing: pa)), not the full hit's PA")
      }
    }
  }
  return t
}

/// A walk scenario's row: its C ratio target, when it has one, replaces absolute targets
/// (times move between machines and hours; a ratio measured side by side does not).
func walkMeasurement(
  _ name: String, _ t: (cpu: [Double], wall: [Double], baseline: [Double]), ops: Int,
  ratioTarget: Double?
) -> Measurement {
  var m = Measurement(
    name: name, per: "walk", unit: "ns", opsPerBatch: ops, samples: t.cpu, wallSamples: t.wall)
  m.baselineSamples = t.baseline
  m.ratioTarget = ratioTarget
  if let ratioTarget { m.targetText = "<= \(fmt(ratioTarget))x C" }
  m.notes = [("rate", fmt(1e3 / m.median) + " M walks/s")]
  return m
}

/// The C walk of `vas` over copies of the stage's tables, checked against the model first.
func stage1Baseline(
  _ name: String, _ f: Stage1Fixture, _ vas: [UInt64], format: Int32
) -> () -> Int {
  let memory = BaselineMemory(pages: 4096)
  memory.copyTables(
    from: f.machine.memory, root: f.space.root, geometry: f.space.geometry, format: format)
  var stage = baselineStage(f.space, format: format)
  checkBaseline(name, f.machine, Stage1Fixture.context, vas) { cb_walk(memory.memory, &stage, $0) }
  return {
    var faults = 0
    let sum = vas.withUnsafeBufferPointer {
      cb_walk_batch(memory.memory, &stage, $0.baseAddress, $0.count, &faults)
    }
    blackHole(sum)
    check(faults == 0, "\(name): the C walk faulted \(faults) times")
    return vas.count
  }
}

/// The C nested walk: stage-2 tables copied from VTTBR, stage-1 tables found through them.
func nestedBaseline(_ f: NestedFixture, _ vas: [UInt64]) -> () -> Int {
  let memory = BaselineMemory(pages: 8192)
  let model = f.machine.memory
  memory.copyTables(
    from: model, root: f.stage2.root, geometry: f.stage2.geometry, format: 0)
  var s2 = baselineStage(f.stage2, format: 0)
  var s1 = baselineStage(f.stage1, format: 0)
  memory.copyTables(from: model, root: f.stage1.root, geometry: f.stage1.geometry, format: 0) {
    cb_walk(memory.memory, &s2, $0).pa
  }
  checkBaseline("walk-nested", f.machine, NestedFixture.context, vas) {
    cb_walk_nested(memory.memory, &s1, &s2, $0)
  }
  return {
    var faults = 0
    let sum = vas.withUnsafeBufferPointer {
      cb_walk_nested_batch(memory.memory, &s1, &s2, $0.baseAddress, $0.count, &faults)
    }
    blackHole(sum)
    check(faults == 0, "walk-nested: the C walk faulted \(faults) times")
    return vas.count
  }
}

/// A C TLB holding the translation of every page in [base, base + size), checked against the
/// model's answers; its lookups of `vas` are the baseline of a TLB hit.
func tlbBaseline(
  _ name: String, _ f: Stage1Fixture, base: UInt64, size: UInt64, _ vas: [UInt64]
) -> () -> Int {
  let pages = Int(size >> 12)
  guard let tlb = cb_tlb_create(pages) else {
    check(false, "\(name): no memory for the C TLB")
    return { 0 }
  }
  var va = base
  while va < base &+ size {
    let r = f.machine.access(
      cpu: f.cpu, context: Stage1Fixture.context, address: va, access: .read, useTLB: false)
    guard case .translated(let t) = r.outcome else {
      check(false, "\(name): \(va) does not translate")
      return { 0 }
    }
    cb_tlb_insert(tlb, va, 0, t.pa)
    va &+= 4096
  }
  check(cb_tlb_count(tlb) == pages, "\(name): C TLB holds \(cb_tlb_count(tlb)) of \(pages)")
  final class Holder: @unchecked Sendable {
    let tlb: OpaquePointer
    init(_ tlb: OpaquePointer) { self.tlb = tlb }
    deinit { cb_tlb_destroy(tlb) }
  }
  let holder = Holder(tlb)
  return {
    var misses = 0
    let sum = vas.withUnsafeBufferPointer {
      cb_tlb_lookup_batch(holder.tlb, $0.baseAddress, $0.count, 0, &misses)
    }
    blackHole(sum)
    check(misses == 0, "\(name): \(misses) C TLB misses")
    return vas.count
  }
}

let walkBase: UInt64 = 0x10_0000_0000
let walkPA: UInt64 = 0x4000_0000

func mappedSize(_ config: RunConfig) -> UInt64 { config.small ? 64 * Size.m : Size.g }

func walk4K48(_ config: RunConfig) -> Measurement {
  let f = Stage1Fixture()
  f.map(va: walkBase, pa: walkPA, size: mappedSize(config))
  let n = config.ops ?? million
  let vas = randomAddresses(base: walkBase, size: mappedSize(config), count: n)
  let t = timeWalks(
    "walk-4k-48", f.machine, Stage1Fixture.context, vas, tlb: false, config,
    expectAccesses: 4, baseline: stage1Baseline("walk-4k-48", f, vas, format: 0))
  return walkMeasurement("walk-4k-48", t, ops: n, ratioTarget: 3)
}

func walkTLBHit(_ config: RunConfig) -> Measurement {
  tlbHits("walk-tlb-hit", config, addressOnly: false)
}

/// The TLB hit of `walk-tlb-hit` for a caller that needs the output address alone: the work
/// the C TLB lookup does, so this is the TLB hit's ratio to C.
func walkTLBHitPA(_ config: RunConfig) -> Measurement {
  tlbHits("walk-tlb-hit-pa", config, addressOnly: true)
}

/// Hits in a warm TLB of every page of the mapped size, with the full result or the address
/// alone (`Machine.hitAddress`).
func tlbHits(_ name: String, _ config: RunConfig, addressOnly: Bool) -> Measurement {
  let f = Stage1Fixture()
  f.map(va: walkBase, pa: walkPA, size: mappedSize(config))
  let n = config.ops ?? million
  let vas = randomAddresses(base: walkBase, size: mappedSize(config), count: n)
  // Warm: every page filled, then hit once (the timing's own warm-up batch does it again):
  // an entry's first hit checks it and learns its rights, so that the gate's small run counts
  // hits, not first hits.
  for va in vas {
    _ = f.machine.access(cpu: f.cpu, context: Stage1Fixture.context, address: va, access: .read)
    if addressOnly {
      _ = f.machine.hitAddress(
        cpu: f.cpu, context: Stage1Fixture.context, address: va, access: .read)
    } else {
      _ = f.machine.access(
        cpu: f.cpu, context: Stage1Fixture.context, address: va, access: .read)
    }
  }
  var c = config
  c.warmup = max(c.warmup, 1)
  let baseline = tlbBaseline(name, f, base: walkBase, size: mappedSize(config), vas)
  let t = timeWalks(
    name, f.machine, Stage1Fixture.context, vas, tlb: true, c, baseline: baseline,
    addressOnly: addressOnly)
  var m = walkMeasurement(name, t, ops: n, ratioTarget: 3)
  m.notes.append(("TLB entries", "\(f.cpu.tlb.count)"))
  return m
}

/// The same hit path with 2,048 entries, which stay in the host's caches: what the code
/// costs, apart from the cache misses of a 262,144-entry TLB.
func walkTLBHit2K(_ config: RunConfig) -> Measurement {
  let f = Stage1Fixture()
  let size = 8 * Size.m
  f.map(va: walkBase, pa: walkPA, size: size)
  let n = config.ops ?? million
  let vas = randomAddresses(base: walkBase, size: size, count: n)
  for va in vas {
    _ = f.machine.access(cpu: f.cpu, context: Stage1Fixture.context, address: va, access: .read)
  }
  let baseline = tlbBaseline("walk-tlb-hit-2k", f, base: walkBase, size: size, vas)
  let t = timeWalks(
    "walk-tlb-hit-2k", f.machine, Stage1Fixture.context, vas, tlb: true, config,
    baseline: baseline)
  var m = walkMeasurement("walk-tlb-hit-2k", t, ops: n, ratioTarget: nil)
  m.notes.append(("TLB entries", "\(f.cpu.tlb.count)"))
  return m
}

func walkNested(_ config: RunConfig) -> Measurement {
  let f = NestedFixture(guestSize: mappedSize(config))
  let n = config.ops ?? million
  let vas = randomAddresses(base: NestedFixture.guestVA, size: mappedSize(config), count: n)
  let t = timeWalks(
    "walk-nested", f.machine, NestedFixture.context, vas, tlb: false, config,
    expectAccesses: 24, baseline: nestedBaseline(f, vas))
  var m = walkMeasurement("walk-nested", t, ops: n, ratioTarget: 3)
  m.notes.append(("descriptor reads per walk", "24"))
  m.notes.append(("per read", fmt(m.median / 24) + " ns"))
  return m
}

let highVA: UInt64 = 0x000F_0000_0000_0000
let highPA: UInt64 = 0x000A_0000_0000_0000

func walk64K52(_ config: RunConfig) -> Measurement {
  let f = Stage1Fixture(granule: .k64, inputBits: 52)
  f.map(va: highVA, pa: highPA, size: mappedSize(config))
  let n = config.ops ?? million
  let vas = randomAddresses(base: highVA, size: mappedSize(config), count: n, pageBits: 16)
  let t = timeWalks(
    "walk-64k-52", f.machine, Stage1Fixture.context, vas, tlb: false, config,
    expectAccesses: 3, baseline: stage1Baseline("walk-64k-52", f, vas, format: 1))
  var m = walkMeasurement("walk-64k-52", t, ops: n, ratioTarget: nil)
  m.notes.append(("levels", "3 (1..3), 52-bit PA in bits[15:12]"))
  return m
}

func walkLPA2(_ config: RunConfig) -> Measurement {
  let f = Stage1Fixture(granule: .k4, inputBits: 52, ds: true)
  f.map(va: highVA, pa: highPA, size: mappedSize(config))
  let n = config.ops ?? million
  let vas = randomAddresses(base: highVA, size: mappedSize(config), count: n)
  let t = timeWalks(
    "walk-lpa2", f.machine, Stage1Fixture.context, vas, tlb: false, config,
    expectAccesses: 5, baseline: stage1Baseline("walk-lpa2", f, vas, format: 2))
  var m = walkMeasurement("walk-lpa2", t, ops: n, ratioTarget: nil)
  m.notes.append(("levels", "5 (-1..3)"))
  return m
}

// MARK: Mapping

/// Tables (root included) a map of `size` bytes of 4K pages at a 1 GiB-aligned VA below
/// 512 GiB takes in a 4K/48-bit space.
func tablesFor4KPages(_ size: UInt64) -> UInt64 {
  (size + 2 * Size.m - 1) / (2 * Size.m) + (size + Size.g - 1) / Size.g + 1 + 1
}

func mapUnmap(_ config: RunConfig) -> Measurement {
  let size: UInt64 = config.small ? 256 * Size.m : 4 * Size.g
  var fixture: Stage1Fixture?
  var mapTimes: [Double] = []
  var unmapTimes: [Double] = []
  var tables = 0
  var c = config
  if config.batches == RunConfig().batches { c.batches = 5 }
  let t = measure(
    c, scale: 1e-6, prepare: { fixture = Stage1Fixture() },
    body: {
      let f = fixture!
      let t0 = Clock.cpu()
      let r = f.map(va: walkBase, pa: walkPA, size: size)
      let t1 = Clock.cpu()
      let u = must("unmap") { () throws(MapError) in
        try f.mapper.unmap(va: walkBase, size: size, free: true)
      }
      let t2 = Clock.cpu()
      mapTimes.append(Double(t1 - t0) / 1e6)
      unmapTimes.append(Double(t2 - t1) / 1e6)
      tables = r.tablesAllocated
      check(r.entriesWritten == Int(size >> 12), "map wrote \(r.entriesWritten) entries")
      check(
        u.tablesFreed == r.tablesAllocated, "unmap freed \(u.tablesFreed) of \(r.tablesAllocated)")
      return 1
    })
  fixture = nil
  var m = Measurement(
    name: "map-unmap-1m", per: "map+unmap", unit: "ms", opsPerBatch: 1, samples: t.cpu,
    wallSamples: t.wall)
  // The warm-up batch is not in the split times.
  let maps = Array(mapTimes.suffix(t.cpu.count))
  let unmaps = Array(unmapTimes.suffix(t.cpu.count))
  m.target = config.small ? nil : 500
  m.targetText = config.small ? "" : "<= 500 ms"
  m.notes = [
    ("pages", "\(size >> 12)"), ("tables allocated", "\(tables)"),
    ("map median", fmt(Stats.median(maps)) + " ms"),
    ("unmap median", fmt(Stats.median(unmaps)) + " ms"),
    ("per page", fmt(m.median * 1e6 / Double(size >> 12)) + " ns"),
  ]
  return m
}

/// `mmush-bench --memory-probe SIZE`: a child process that maps SIZE bytes of 4K pages and
/// prints its resident set before and its high-water mark after (KiB), for its parent.
func memoryProbe(_ size: UInt64) {
  let f = Stage1Fixture()
  let before = procStatusKiB("VmRSS")
  if size > 0 { f.map(va: walkBase, pa: walkPA, size: size) }
  let peak = procStatusKiB("VmHWM")
  if size > 0 {
    _ = must("unmap") { () throws(MapError) in
      try f.mapper.unmap(va: walkBase, size: size, free: true)
    }
  }
  blackHole(f)
  print("\(before) \(peak)")
}

func memoryPeak(_ config: RunConfig) -> Measurement {
  let size: UInt64 = config.small ? 256 * Size.m : 4 * Size.g
  let exe = executablePath()
  var deltas: [Double] = []
  var peaks: [Double] = []
  var bases: [Double] = []
  for _ in 0..<max(1, min(config.batches, 3)) {
    guard let p = spawn(exe, [exe, "--memory-probe", "\(size)"], capture: true), p.status == 0
    else {
      check(false, "memory probe child failed")
      break
    }
    let kib = p.output.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
    check(kib.count == 2, "memory probe printed '\(p.output)'")
    bases.append(Double(kib[0]) / 1024)
    peaks.append(Double(kib[1]) / 1024)
    deltas.append(Double(kib[1] - kib[0]) / 1024)
  }
  let tableMiB = Double(tablesFor4KPages(size) * 4096) / Double(Size.m)
  var m = Measurement(
    name: "memory-1m", per: "process", unit: "MiB", opsPerBatch: 1, samples: deltas,
    wallSamples: deltas)
  m.clock = "rss"
  m.target = 3 * tableMiB
  m.targetText = "<= \(fmt(3 * tableMiB)) MiB"
  m.notes = [
    ("table pages", "\(tablesFor4KPages(size)) (\(fmt(tableMiB)) MiB)"),
    ("RSS before the map", fmt(Stats.median(bases)) + " MiB"),
    ("peak (VmHWM)", fmt(Stats.median(peaks)) + " MiB"),
    ("growth", fmt(m.median / tableMiB) + "x the tables' bytes"),
  ]
  return m
}

func mapLinear64G(_ config: RunConfig) -> Measurement {
  let size: UInt64 = 64 * Size.g
  let va: UInt64 = 0x4000_0000_0000
  let pa: UInt64 = 0x40_0000_0000
  var mapTimes: [Double] = []
  var f = Stage1Fixture()
  var c = config
  c.batches = max(3, config.batches)
  let mt = measure(
    c, scale: 1e-3, prepare: { f = Stage1Fixture() },
    body: {
      let t0 = Clock.cpu()
      let r = f.map(va: va, pa: pa, size: size, policy: .largest)
      mapTimes.append(Double(Clock.cpu() - t0) / 1e3)
      check(r.entriesWritten == 64, "64 GiB took \(r.entriesWritten) entries")
      return 1
    })
  let n = config.ops ?? million
  let vas = randomAddresses(base: va, size: size, count: n)
  let t = timeWalks(
    "map-linear-64g", f.machine, Stage1Fixture.context, vas, tlb: false, config,
    expectAccesses: 2)
  var m = walkMeasurement("map-linear-64g", t, ops: n, ratioTarget: nil)
  m.notes.insert(("map of 64 x 1G blocks", fmt(Stats.median(mt.cpu)) + " us"), at: 0)
  return m
}

// MARK: Dump

/// The dump fixture as a script: 1 GiB of 4K pages, plus 32 scattered 2M blocks alternating
/// rw/ro and 4 1G blocks.
func dumpSetupScript(size: UInt64) -> String {
  var s = """
    space k regime el1 ttbr0 granule 4k va_bits 48
    map k 0x10_0000_0000 -> 0x4000_0000 size \(size) pages

    """
  for i in 0..<32 {
    let va = 0x20_0000_0000 + UInt64(i) * 0x0400_0000
    let pa = 0x1_0000_0000 + UInt64(i) * 0x0020_0000
    s += "map k \(hex(va)) -> \(hex(pa)) size 2M \(i % 2 == 0 ? "rw" : "ro")\n"
  }
  for i in 0..<4 {
    s +=
      "map k \(hex(0x40_0000_0000 + UInt64(i) * 0x8000_0000)) -> \(hex(0x2_0000_0000 + UInt64(i) * Size.g)) size 1G\n"
  }
  return s
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

final class DiscardSink: EventSink {
  var events = 0
  func emit(_ event: ScriptEvent) { events &+= 1 }
}

func runnerOptions() -> RunOptions {
  var o = RunOptions()
  o.interpreter.maxSteps = Int.max
  return o
}

func interpreterOptions() -> InterpreterOptions {
  var o = InterpreterOptions()
  o.maxSteps = Int.max
  return o
}

func runScript(_ it: Interpreter, _ name: String, _ text: String) {
  do { try it.run(SourceFile(name: name, text: text)) } catch {
    print("mmush-bench: \(name) failed: \(error)")
    exit(3)
  }
}

func dump1G(_ config: RunConfig) -> Measurement {
  let size = mappedSize(config)
  let out = StringOutput()
  let runner = Runner(options: runnerOptions(), output: out, errors: out)
  runScript(runner.interpreter, "setup", dumpSetupScript(size: size))
  // Once into a string, to check what it dumps.
  check(runner.run(SourceFile(name: "dump", text: "dump k")), "dump failed: \(out.text)")
  check(out.text.contains("4K"), "dump output: \(out.text)")
  let rows = out.text.split(separator: "\n").count
  let quiet = Runner(options: runnerOptions(), output: NullOutput(), errors: NullOutput())
  runScript(quiet.interpreter, "setup", dumpSetupScript(size: size))
  let dump = SourceFile(name: "dump", text: "dump k")
  let t = measure(config, scale: 1e-6) {
    check(quiet.run(dump), "dump failed")
    return 1
  }
  // The row builder alone: MMU's scan, as `dump` calls it.
  let sp = quiet.interpreter.machine.space(named: "k")!
  let setup = sp.softwareSetup()
  let scan = measure(config, scale: 1e-6) {
    let runs = must("scan") { () throws(TableScanError) in
      try sp.leafRuns(
        from: 0, through: lowMask48, memory: quiet.interpreter.machine.memory,
        setup: setup)
    }
    blackHole(runs)
    return 1
  }
  var m = Measurement(
    name: "dump-1g-4k", per: "dump", unit: "ms", opsPerBatch: 1, samples: t.cpu,
    wallSamples: t.wall)
  m.target = config.small ? nil : 20
  m.targetText = config.small ? "" : "<= 20 ms"
  m.notes = [
    ("leaf entries", "\(size >> 12 + 36)"), ("text lines", "\(rows)"),
    ("scan alone (AddressSpace.leafRuns)", fmt(Stats.median(scan.cpu)) + " ms"),
    ("per entry", fmt(m.median * 1e6 / Double(size >> 12)) + " ns"),
  ]
  return m
}

let lowMask48: UInt64 = (1 << 48) - 1

// MARK: Interpreter

func scriptLoop(_ config: RunConfig) -> Measurement {
  let n = config.ops ?? million
  let sink = DiscardSink()
  let it = Interpreter(options: interpreterOptions(), sink: sink)
  runScript(it, "setup", "let base = 0xffff_0000_0000_0000")
  let loop = SourceFile(
    name: "loop", text: "for i in 0 ..< \(n) {\n  let x = i * 4K + base\n}\n")
  let t = measure(config) {
    do { try it.run(loop) } catch { check(false, "loop: \(error)") }
    return n
  }
  var m = Measurement(
    name: "script-loop", per: "iteration", unit: "ns", opsPerBatch: n, samples: t.cpu,
    wallSamples: t.wall)
  // >= 10 M statements/s: an iteration (one `let`, its expression, the loop's own step)
  // is counted as one statement.
  m.target = 100
  m.targetText = "<= 100 ns"
  m.notes = [("rate", fmt(1e3 / m.median) + " M statements/s (target >= 10)")]
  return m
}

func walkScriptSetup(_ size: UInt64) -> String {
  """
  space k regime el1 ttbr0 granule 4k va_bits 48
  map k 0x10_0000_0000 -> 0x4000_0000 size \(size) pages
  switch ttbr0_el1 k
  let base = 0x10_0000_0000
  """
}

/// A script walking every page of `[base, base + size)` in passes until about `walks` walks
/// are made, with the address in a variable as scripts write them; and how many it makes.
func walkLoop(size: UInt64, walks: Int) -> (SourceFile, Int) {
  let pages = Int(size >> 12)
  let passes = max(1, (walks + pages - 1) / pages)
  let loop = SourceFile(
    name: "walks",
    text: """
      for pass in 0 ..< \(passes) {
        for va in base ..< base + \(hex(size)) step 4K {
          walk el1 va
        }
      }

      """)
  return (loop, passes * pages)
}

func scriptWalks(_ config: RunConfig, text: Bool) -> Measurement {
  // Every page of the map, in passes: a walk statement with the address in a variable, as
  // scripts write them. 1M walks = 4 passes over 1 GiB of 4K pages; small fixtures (the
  // callgrind check) use 1024 pages, so the warm-up batch fills the TLB as the full run's
  // does and the timed batch hits.
  let size = config.small ? 4 * Size.m : mappedSize(config)
  let (loop, ops) = walkLoop(size: size, walks: config.ops ?? million)
  let sink = DiscardSink()
  let it: Interpreter
  let runner: Runner?
  if text {
    let r = Runner(options: runnerOptions(), output: NullOutput(), errors: NullOutput())
    runner = r
    it = r.interpreter
  } else {
    runner = nil
    it = Interpreter(options: interpreterOptions(), sink: sink)
  }
  runScript(it, "setup", walkScriptSetup(size))
  let t = measure(config) {
    if let runner {
      check(runner.run(loop), "walks failed")
    } else {
      do { try it.run(loop) } catch { check(false, "walks: \(error)") }
    }
    return ops
  }
  if !text { check(sink.events >= ops, "\(sink.events) events") }
  let name = text ? "script-walks-text" : "script-walks"
  var m = Measurement(
    name: name, per: "walk stmt", unit: "ns", opsPerBatch: ops, samples: t.cpu,
    wallSamples: t.wall)
  if !text {
    m.target = 250
    m.targetText = "<= 250 ns"
  }
  m.notes = [
    ("TLB", "on (hits after the warm-up batch)"), ("TLB entries", "\(it.machine.cpu.tlb.count)"),
  ]
  return m
}

// MARK: Processes

func startup(_ config: RunConfig) -> Measurement {
  let exe = executablePath()
  let dir = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(
    separator: "/")
  let mmush = startupBinary ?? dir + "/mmush"
  var m = Measurement(
    name: "startup", per: "process", unit: "ms", opsPerBatch: 0, samples: [], wallSamples: [])
  m.clock = "wall"
  m.target = 20
  m.targetText = "<= 20 ms"
  guard access(mmush, X_OK) == 0 else {
    m.target = nil
    m.targetText = "skipped"
    m.notes = [("skipped", "no \(mmush): build it with `swift build -c release`")]
    return m
  }
  let per = config.ops ?? 20
  var cpu: [Double] = []
  var wall: [Double] = []
  for b in 0..<(max(1, config.batches) + config.warmup) {
    var w: UInt64 = 0
    var c: UInt64 = 0
    for _ in 0..<per {
      guard let r = spawn(mmush, [mmush, "-c", "print 1"]), r.status == 0 else {
        check(false, "\(mmush) -c 'print 1' failed")
        break
      }
      w += r.wallNanos
      c += r.cpuNanos
    }
    if b < config.warmup { continue }
    wall.append(Double(w) / Double(per) / 1e6)
    cpu.append(Double(c) / Double(per) / 1e6)
  }
  m.opsPerBatch = per
  m.samples = wall
  m.wallSamples = wall
  m.notes = [
    ("child CPU (user+sys) median", fmt(Stats.median(cpu)) + " ms"), ("binary", mmush),
  ]
  return m
}

nonisolated(unsafe) var startupBinary: String?

// MARK: TLB maintenance

func tlbiChurn(_ config: RunConfig) -> Measurement {
  let f = Stage1Fixture()
  let machine = f.machine
  machine.addCPUs(upTo: 4)
  for cpu in machine.cpus {
    check(machine.switchTable(.ttbr0_el1, to: f.space, cpu: cpu).isEmpty, "switch")
  }
  // A little resident mapping, so walks share upper-level tables.
  f.map(va: walkBase + Size.g, pa: walkPA, size: 2 * Size.m)
  let mapper = f.mapper
  let n = config.ops ?? million
  let op = TLBIOperation(.vale1, .inner)
  let ctx = Stage1Fixture.context
  var attrs = MapAttributes()
  attrs.writable = true
  func cycle(_ i: Int) {
    let va = walkBase &+ UInt64(i & 63) << 12
    let cpu = machine.cpus[i & 3]
    _ = try? mapper.map(
      va: va, pa: walkPA &+ UInt64(i & 1023) << 12, size: 4096, attributes: attrs, policy: .pages)
    let r = machine.access(cpu: cpu, context: ctx, address: va, access: .read)
    blackHole(r)
    _ = try? mapper.unmap(va: va, size: 4096)
    _ = try? machine.tlbi(op, address: va, cpu: machine.cpus[0])
    machine.dsb(.ish, cpu: machine.cpus[0])
  }
  // Check one cycle: the walk hit nothing stale and the TLBI reached the walking CPU.
  cycle(1)
  check(machine.cpus[1].tlb.count == 0, "TLBI left \(machine.cpus[1].tlb.count) entries on CPU 1")
  let t = measure(config) {
    for i in 0..<n { cycle(i) }
    return n
  }
  var m = Measurement(
    name: "tlbi-churn", per: "cycle", unit: "ns", opsPerBatch: n, samples: t.cpu,
    wallSamples: t.wall)
  m.notes = [("cycle", "map 4K + walk (TLB fill on CPU i%4) + unmap + tlbi vale1is + dsb ish")]
  return m
}

// MARK: Scaling

/// Map and dump time against mapped size (256M..2G of 4K pages in a 48-bit space) and against
/// the address-space size (the same 1 GiB in 39-, 48- and 52-bit spaces).
func scaling(_ config: RunConfig) -> Measurement {
  let reps = max(3, config.batches / 2)
  func cost(granuleBits: Int, ds: Bool, size: UInt64) -> (map: Double, dump: Double) {
    var maps: [Double] = []
    var dumps: [Double] = []
    for _ in 0..<reps {
      let f = Stage1Fixture(inputBits: granuleBits, ds: ds)
      let t0 = Clock.cpu()
      f.map(va: 0x10_0000_0000 & lowMask(granuleBits), pa: walkPA, size: size)
      let t1 = Clock.cpu()
      let setup = f.space.softwareSetup()
      let runs = must("scan") { () throws(TableScanError) in
        try f.space.leafRuns(
          from: 0, through: lowMask(granuleBits), memory: f.machine.memory, setup: setup)
      }
      let t2 = Clock.cpu()
      blackHole(runs)
      maps.append(Double(t1 - t0) / 1e6)
      dumps.append(Double(t2 - t1) / 1e6)
    }
    return (Stats.median(maps), Stats.median(dumps))
  }
  func lowMask(_ bits: Int) -> UInt64 { bits >= 64 ? .max : (1 << UInt64(bits)) - 1 }
  let sizes: [UInt64] =
    config.small
    ? [16 * Size.m, 32 * Size.m, 64 * Size.m] : [256 * Size.m, 512 * Size.m, Size.g, 2 * Size.g]
  let bySize = sizes.map { cost(granuleBits: 48, ds: false, size: $0) }
  let one = config.small ? 64 * Size.m : Size.g
  let b39 = cost(granuleBits: 39, ds: false, size: one)
  let b48 = cost(granuleBits: 48, ds: false, size: one)
  let b52 = cost(granuleBits: 52, ds: true, size: one)
  func label(_ s: UInt64) -> String { s >= Size.g ? "\(s / Size.g)G" : "\(s / Size.m)M" }
  var notes: [(String, String)] = []
  var worst = 0.0
  for (i, s) in sizes.enumerated() {
    notes.append(("map \(label(s))", fmt(bySize[i].map) + " ms"))
    notes.append(("dump \(label(s))", fmt(bySize[i].dump) + " ms"))
  }
  for i in 1..<sizes.count {
    let rm = bySize[i].map / bySize[i - 1].map
    let rd = bySize[i].dump / bySize[i - 1].dump
    worst = max(worst, rm, rd)
    notes.append(("map \(label(sizes[i]))/\(label(sizes[i - 1]))", fixed(rm, 2)))
    notes.append(("dump \(label(sizes[i]))/\(label(sizes[i - 1]))", fixed(rd, 2)))
  }
  notes.append(("map 39/48/52-bit", "\(fmt(b39.map)) / \(fmt(b48.map)) / \(fmt(b52.map)) ms"))
  notes.append(("dump 39/48/52-bit", "\(fmt(b39.dump)) / \(fmt(b48.dump)) / \(fmt(b52.dump)) ms"))
  notes.append(("map 52-bit/39-bit", fixed(b52.map / b39.map, 2)))
  notes.append(("dump 52-bit/39-bit", fixed(b52.dump / b39.dump, 2)))
  var m = Measurement(
    name: "scaling", per: "doubling", unit: "x", opsPerBatch: 1, samples: [worst],
    wallSamples: [worst])
  m.clock = "ratio"
  // Linear: doubling the size at most doubles the time (10% allowed for noise).
  m.target = 2.2
  m.targetText = "<= 2.2x"
  m.notes = notes
  return m
}
