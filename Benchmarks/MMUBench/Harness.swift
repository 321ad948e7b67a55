// The timing core: CPU-time batches after a warm-up, statistics, and the table/JSON report.
// No Foundation: clocks and rusage come from Glibc.

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// Nanosecond clocks. Process CPU time is the primary measure (it includes the interpreter's
/// large-stack thread, and other engineers' builds on the same 2 cores do not inflate it the
/// way they inflate wall time); wall time is kept beside it.
enum Clock {
  @inline(__always)
  static func cpu() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
  }

  @inline(__always)
  static func wall() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
  }
}

/// Keeps a value alive and opaque to the optimiser.
@inline(never)
func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

/// How a scenario's number is compared with its target.
enum Direction { case atMost, atLeast }

/// What one scenario measured.
struct Measurement {
  var name: String
  /// What one operation is: "walk", "statement", "map+unmap", "process".
  var per: String
  /// The reported unit: "ns", "us", "ms".
  var unit: String
  /// Operations timed in each batch.
  var opsPerBatch: Int
  /// Per-operation cost of each batch, in `unit`, CPU time (wall for whole processes).
  var samples: [Double]
  /// The same batches' wall time per operation, in `unit`.
  var wallSamples: [Double]
  /// Which clock `samples` come from.
  var clock = "cpu"
  var target: Double?
  var direction: Direction = .atMost
  /// How the target reads in the table, e.g. "<= 90 ns".
  var targetText: String = ""
  /// Extra facts, printed after the table and put in the JSON.
  var notes: [(String, String)] = []
  /// The C baseline's per-operation cost in the same batches (interleaved with the model's),
  /// in `unit`; empty when the scenario has no C counterpart.
  var baselineSamples: [Double] = []
  /// The most `median / baselineMedian` may be; replaces an absolute target.
  var ratioTarget: Double?

  var sorted: [Double] { samples.sorted() }
  var min: Double { sorted.first ?? 0 }
  var max: Double { sorted.last ?? 0 }
  var median: Double { Stats.median(samples) }
  var wallMedian: Double { Stats.median(wallSamples) }

  var baselineMedian: Double { Stats.median(baselineSamples) }
  /// mmush's median over C's, or nil without a baseline.
  var ratio: Double? {
    baselineSamples.isEmpty || baselineMedian <= 0 ? nil : median / baselineMedian
  }

  /// nil when there is no target.
  var meets: Bool? {
    if let ratioTarget, let ratio { return ratio <= ratioTarget }
    guard let target else { return nil }
    return direction == .atMost ? median <= target : median >= target
  }
}

enum Stats {
  static func median(_ xs: [Double]) -> Double {
    guard !xs.isEmpty else { return 0 }
    let s = xs.sorted()
    let n = s.count
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
  }
}

/// Batch settings from the command line.
struct RunConfig {
  var batches = 7
  var warmup = 1
  /// Overrides each scenario's operations per batch (the callgrind check uses few).
  var ops: Int?
  /// Smaller fixtures (the callgrind check): 64 MiB instead of 1 GiB, and so on.
  var small = false
}

/// Times `body` in `config.batches` batches after `config.warmup` untimed ones. `prepare`
/// runs before each batch, untimed (a fresh machine for a map). `body` returns the number of
/// operations it made; costs are divided by it and scaled by `scale` (1 for ns, 1e-3 for µs,
/// 1e-6 for ms).
func measure(
  _ config: RunConfig, scale: Double = 1, prepare: () -> Void = {}, body: () -> Int
) -> (cpu: [Double], wall: [Double]) {
  for _ in 0..<config.warmup {
    prepare()
    blackHole(measuredRegion(body))
  }
  var cpu: [Double] = []
  var wall: [Double] = []
  for _ in 0..<max(1, config.batches) {
    prepare()
    let c0 = Clock.cpu()
    let w0 = Clock.wall()
    let n = measuredRegion(body)
    let w1 = Clock.wall()
    let c1 = Clock.cpu()
    let ops = Double(Swift.max(n, 1))
    cpu.append(Double(c1 &- c0) / ops * scale)
    wall.append(Double(w1 &- w0) / ops * scale)
  }
  return (cpu, wall)
}

/// Times `body` (the model) and `baseline` (C) in interleaved batches — model first in even
/// batches, C first in odd ones — so both see the same machine state and load; returns both
/// per-operation costs. Only the model's part runs inside `measuredRegion` (callgrind counts it).
func measurePair(
  _ config: RunConfig, body: () -> Int, baseline: () -> Int
) -> (cpu: [Double], wall: [Double], baseline: [Double]) {
  for _ in 0..<config.warmup {
    blackHole(measuredRegion(body))
    blackHole(baselineRegion(baseline))
  }
  var cpu: [Double] = []
  var wall: [Double] = []
  var c: [Double] = []
  func timeModel() {
    let c0 = Clock.cpu()
    let w0 = Clock.wall()
    let n = measuredRegion(body)
    let w1 = Clock.wall()
    let c1 = Clock.cpu()
    let ops = Double(Swift.max(n, 1))
    cpu.append(Double(c1 &- c0) / ops)
    wall.append(Double(w1 &- w0) / ops)
  }
  func timeBaseline() {
    let c0 = Clock.cpu()
    let n = baselineRegion(baseline)
    let c1 = Clock.cpu()
    c.append(Double(c1 &- c0) / Double(Swift.max(n, 1)))
  }
  for batch in 0..<max(1, config.batches) {
    if batch % 2 == 0 {
      timeModel()
      timeBaseline()
    } else {
      timeBaseline()
      timeModel()
    }
  }
  return (cpu, wall, c)
}

/// Batches run outside `measuredRegion`. Counting them also keeps `baselineRegion`'s code
/// different from `measuredRegion`'s: the optimizer merged the two identical functions, and
/// callgrind then counted no instruction of the scenarios that time through the unspecialised
/// `measurePair` (the rendering ones).
nonisolated(unsafe) var baselineBatches = 0

/// The C baseline's part of a batch, outside `measuredRegion`.
@inline(never)
func baselineRegion(_ body: () -> Int) -> Int {
  baselineBatches &+= 1
  return body()
}

/// The timed part of every batch. Its name is what `Benchmarks/check.sh` gives callgrind's
/// `--toggle-collect`, so instruction counts cover exactly the measured operations.
@inline(never)
func measuredRegion(_ body: () -> Int) -> Int { body() }

// MARK: Output

/// A number with 3 significant digits or so, never in exponent form.
func fmt(_ x: Double) -> String {
  if x.isNaN || x.isInfinite { return "-" }
  let digits: Int
  switch abs(x) {
  case ..<10: digits = 2
  case ..<100: digits = 1
  default: digits = 0
  }
  return fixed(x, digits)
}

func fixed(_ x: Double, _ digits: Int) -> String {
  var p: Double = 1
  for _ in 0..<digits { p *= 10 }
  let negative = x < 0
  let v = (abs(x) * p).rounded()
  let whole = Int64(v / p)
  let frac = Int64(v - Double(whole) * p)
  var s = String(whole)
  if digits > 0 {
    var f = String(frac)
    while f.count < digits { f = "0" + f }
    s += "." + f
  }
  return negative ? "-" + s : s
}

func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
  let k = s.count
  guard k < n else { return s }
  let fill = String(repeating: " ", count: n - k)
  return right ? fill + s : s + fill
}

func printTable(_ results: [Measurement], header: [(String, String)]) {
  print("mmush-bench: " + header.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
  let cols = [
    "scenario", "per", "batches", "min", "median", "max", "wall med", "C med", "x C", "target",
    "ok",
  ]
  let widths = [16, 11, 9, 11, 11, 11, 11, 10, 6, 13, 16]
  func line(_ cells: [String]) {
    var s = ""
    for (i, c) in cells.enumerated() {
      s += pad(c, widths[i], right: i >= 2 && i <= 8) + (i + 1 < cells.count ? "  " : "")
    }
    while s.last == " " { s.removeLast() }
    print(s)
  }
  line(cols)
  line(widths.map { String(repeating: "-", count: $0) })
  for r in results {
    let u = " " + r.unit
    line([
      r.name, r.per, "\(r.samples.count)x\(r.opsPerBatch)", fmt(r.min) + u, fmt(r.median) + u,
      fmt(r.max) + u, fmt(r.wallMedian) + u,
      r.baselineSamples.isEmpty ? "" : fmt(r.baselineMedian) + u,
      r.ratio.map { fmt($0) + "x" } ?? "", r.targetText, verdict(r),
    ])
  }
  let noted = results.filter { !$0.notes.isEmpty }
  if !noted.isEmpty { print("") }
  for r in noted {
    print("\(r.name): " + r.notes.map { "\($0.0) \($0.1)" }.joined(separator: "; "))
  }
  print("")
  print(
    "Times are \(results.contains { $0.clock == "wall" } ? "process CPU time per operation (startup: wall time per process)" : "process CPU time per operation"); min/median/max over batches."
  )
}

/// "yes", or "NO" and by how much the median misses its target ("NO, 1.4x over").
func verdict(_ r: Measurement) -> String {
  guard let ok = r.meets else { return "" }
  if ok { return "yes" }
  let miss: Double
  if let ratioTarget = r.ratioTarget, let ratio = r.ratio {
    miss = ratio / ratioTarget
  } else if let target = r.target, target > 0 {
    miss = r.direction == .atMost ? r.median / target : target / Swift.max(r.median, 1e-9)
  } else {
    return "NO"
  }
  return "NO, " + fmt(miss) + "x over"
}

func jsonString(_ s: String) -> String {
  var out = "\""
  for u in s.unicodeScalars {
    switch u {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\t": out += "\\t"
    default:
      if u.value < 0x20 {
        let h = String(u.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
      } else {
        out.unicodeScalars.append(u)
      }
    }
  }
  return out + "\""
}

func jsonNumber(_ x: Double) -> String { x.isFinite ? fixed(x, 3) : "null" }

func printJSON(_ results: [Measurement], header: [(String, String)]) {
  var s = "{\n  \"machine\": {"
  s += header.map { "\(jsonString($0.0)): \(jsonString($0.1))" }.joined(separator: ", ")
  s += "},\n  \"scenarios\": [\n"
  s += results.map { r -> String in
    var o = "    {\"name\": \(jsonString(r.name)), \"per\": \(jsonString(r.per)), "
    o += "\"unit\": \(jsonString(r.unit)), \"clock\": \(jsonString(r.clock)), "
    o += "\"batches\": \(r.samples.count), \"ops_per_batch\": \(r.opsPerBatch), "
    o += "\"min\": \(jsonNumber(r.min)), \"median\": \(jsonNumber(r.median)), "
    o += "\"max\": \(jsonNumber(r.max)), \"wall_median\": \(jsonNumber(r.wallMedian)), "
    o += "\"samples\": [\(r.samples.map(jsonNumber).joined(separator: ", "))]"
    if !r.baselineSamples.isEmpty {
      o += ", \"c_median\": \(jsonNumber(r.baselineMedian))"
      o += ", \"c_samples\": [\(r.baselineSamples.map(jsonNumber).joined(separator: ", "))]"
      o += ", \"ratio\": \(r.ratio.map(jsonNumber) ?? "null")"
    }
    if let t = r.ratioTarget {
      o += ", \"ratio_target\": \(jsonNumber(t))"
    } else if let t = r.target {
      o += ", \"target\": \(jsonNumber(t)), \"target_kind\": "
      o += jsonString(r.direction == .atMost ? "at_most" : "at_least")
    }
    if let meets = r.meets { o += ", \"meets_target\": \(meets ? "true" : "false")" }
    if !r.notes.isEmpty {
      o += ", \"notes\": {"
      o += r.notes.map { "\(jsonString($0.0)): \(jsonString($0.1))" }.joined(separator: ", ")
      o += "}"
    }
    return o + "}"
  }.joined(separator: ",\n")
  s += "\n  ]\n}"
  print(s)
}

// MARK: Processes and memory

/// This executable's path (/proc/self/exe).
func executablePath() -> String {
  var buf = [CChar](repeating: 0, count: 4096)
  let n = readlink("/proc/self/exe", &buf, buf.count - 1)
  guard n > 0 else { return CommandLine.arguments[0] }
  return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// What a child process cost: wall time, user+system CPU, exit status, and its standard
/// output when captured.
struct ChildRun {
  var wallNanos: UInt64
  var cpuNanos: UInt64
  var status: Int32
  var output: String
}

/// Runs `path` with `args` (argv[0] included), standard error to /dev/null and standard
/// output to /dev/null or, with `capture`, to a pipe whose text is returned; waits for it with
/// wait4 so its own rusage comes back. (The child's ru_maxrss is no use for memory: with
/// posix_spawn's vfork-style clone it starts from the parent's high-water mark.)
func spawn(_ path: String, _ args: [String], capture: Bool = false) -> ChildRun? {
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  var fds: [Int32] = [-1, -1]
  if capture {
    guard pipe(&fds) == 0 else { return nil }
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    posix_spawn_file_actions_addclose(&actions, fds[1])
  } else {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  }
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
  var cargs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) }
  cargs.append(nil)
  defer { for p in cargs { free(p) } }
  var pid = pid_t()
  let w0 = Clock.wall()
  let rc = posix_spawn(&pid, path, &actions, nil, cargs, environ)
  if capture { close(fds[1]) }
  guard rc == 0 else {
    if capture { close(fds[0]) }
    return nil
  }
  var text: [UInt8] = []
  if capture {
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = read(fds[0], &buf, buf.count)
      if n <= 0 { break }
      text.append(contentsOf: buf[0..<n])
    }
    close(fds[0])
  }
  var status: Int32 = 0
  var usage = rusage()
  guard wait4(pid, &status, 0, &usage) == pid else { return nil }
  let w1 = Clock.wall()
  func ns(_ t: timeval) -> UInt64 { UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_usec) * 1000 }
  return ChildRun(
    wallNanos: w1 - w0, cpuNanos: ns(usage.ru_utime) + ns(usage.ru_stime), status: status,
    output: String(decoding: text, as: UTF8.self))
}

/// A "Vm...:" line of /proc/self/status in KiB (VmRSS, VmHWM), or 0.
func procStatusKiB(_ field: String) -> Int {
  guard let f = fopen("/proc/self/status", "r") else { return 0 }
  defer { fclose(f) }
  var line = [CChar](repeating: 0, count: 256)
  while fgets(&line, Int32(line.count), f) != nil {
    let s = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if s.hasPrefix(field + ":") {
      return Int(s.dropFirst(field.count + 1).filter { $0.isNumber }) ?? 0
    }
  }
  return 0
}

/// Runs `body` on a thread with a 1 GiB stack and waits for it. The interpreter then runs
/// scripts on the calling thread (it moves to a 512 MiB stack of its own otherwise), so a
/// timed script batch creates no thread and callgrind's --toggle-collect sees its work.
func runOnLargeStack(_ body: @escaping @Sendable () -> Void) {
  final class Job: @unchecked Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
  }
  var attr = pthread_attr_t()
  pthread_attr_init(&attr)
  defer { pthread_attr_destroy(&attr) }
  pthread_attr_setstacksize(&attr, 1 << 30)
  let job = Unmanaged.passRetained(Job(body))
  var thread = pthread_t()
  let rc = pthread_create(
    &thread, &attr,
    { raw in
      Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue().body()
      return nil
    }, job.toOpaque())
  if rc == 0 {
    pthread_join(thread, nil)
  } else {
    job.takeRetainedValue().body()
  }
}
