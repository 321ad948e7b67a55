// mmush-bench: times the model's hot paths in a release build.
//
//   swift run -c release mmush-bench [NAME...] [--json] [--batches N] [--ops N] [--small]
//   swift run -c release mmush-bench --list
//
// Each scenario runs one untimed warm-up batch, then N batches (default 7), and reports the
// per-operation CPU time as min/median/max over the batches, with its target. See
// Benchmarks/README.md.

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

func usage() -> Never {
  print(
    """
    usage: mmush-bench [NAME...] [--json] [--batches N] [--warmup N] [--ops N] [--small]
                       [--mmush PATH] [--list]
      NAME        run only these scenarios (default: all); --list shows them
      --json      print JSON instead of the table
      --batches   timed batches per scenario (default 7; medians are over these)
      --warmup    untimed batches first (default 1)
      --ops       operations per batch, overriding each scenario's (walks: 1000000)
      --small     small fixtures (64 MiB instead of 1 GiB...): the callgrind check's setting
      --mmush     the mmush binary the startup scenario runs (default: beside this one)
    """)
  exit(2)
}

/// The scenario list, then the real-size inputs (RealSize.swift).
let allScenarios = scenarios + realSizeScenarios
nonisolated(unsafe) var config = RunConfig()
var names: [String] = []
nonisolated(unsafe) var json = false
nonisolated(unsafe) var args = CommandLine.arguments.dropFirst()
func intArgument(_ flag: String) -> Int {
  guard let v = args.popFirst(), let n = Int(v), n >= 0 else {
    print("mmush-bench: \(flag) takes a number")
    exit(2)
  }
  return n
}
while let a = args.popFirst() {
  switch a {
  case "--json": json = true
  case "--batches": config.batches = max(1, intArgument(a))
  case "--warmup": config.warmup = intArgument(a)
  case "--ops": config.ops = max(1, intArgument(a))
  case "--small": config.small = true
  case "--mmush":
    guard let p = args.popFirst() else { usage() }
    startupBinary = p
  case "--memory-probe":
    guard let v = args.popFirst(), let size = UInt64(v) else { usage() }
    memoryProbe(size)
    exit(0)
  case "--layout":
    printLayout()
    exit(0)
  case "--list":
    for s in allScenarios { print(pad(s.name, 18) + s.summary) }
    exit(0)
  case "-h", "--help": usage()
  default:
    if a.hasPrefix("-") { usage() }
    guard allScenarios.contains(where: { $0.name == a }) else {
      print("mmush-bench: no scenario '\(a)'; --list shows them")
      exit(2)
    }
    names.append(a)
  }
}

let selected =
  names.isEmpty ? allScenarios : allScenarios.filter { names.contains($0.name) }
var header: [(String, String)] = [
  ("cpus", "\(sysconf(Int32(_SC_NPROCESSORS_ONLN)))"),
  (
    "build",
    {
      #if DEBUG
        return "debug (numbers are meaningless)"
      #else
        return "release"
      #endif
    }()
  ),
  ("batches", "\(config.batches)"), ("warmup", "\(config.warmup)"),
]
if config.small { header.append(("fixtures", "small")) }
nonisolated(unsafe) var results: [Measurement] = []

// On a large stack: see runOnLargeStack.
runOnLargeStack {
  for s in selected {
    if !json {
      // Progress on stderr keeps stdout a clean table.
      fputs("running \(s.name)...\n", stderr)
    }
    results.append(s.run(config))
  }
}
if json { printJSON(results, header: header) } else { printTable(results, header: header) }
