// What output costs: the same scripted walks, or the same dump, with and without rendering,
// in interleaved batches. The row's number is the difference: the cost of one rendered line
// (a text walk line, a JSON event, a dump row) beyond the work that produced it.

import MMU
import MMUScript
import MMUShell
import MMUSyntax

/// `walk el1 VA` statements over every page of the map, rendered as text or JSON to a
/// discarding output, against the same statements whose events go to a discarding sink.
func renderedWalks(_ config: RunConfig, json: Bool) -> Measurement {
  let name = json ? "json-walks" : "text-walks"
  let size = config.small ? 4 * Size.m : 256 * Size.m
  let (loop, ops) = walkLoop(size: size, walks: config.ops ?? 200_000)
  var options = runnerOptions()
  options.json = json
  let runner = Runner(options: options, output: NullOutput(), errors: NullOutput())
  runScript(runner.interpreter, "setup", walkScriptSetup(size))
  let sink = DiscardSink()
  let plain = Interpreter(options: interpreterOptions(), sink: sink)
  runScript(plain, "setup", walkScriptSetup(size))
  // Once into a string: one line (or one JSON object) per walk.
  let probe = StringOutput()
  let check1 = Runner(options: options, output: probe, errors: probe)
  runScript(check1.interpreter, "setup", walkScriptSetup(size))
  check(
    check1.run(SourceFile(name: "one", text: "walk el1 base")), "\(name): walk failed")
  check(!probe.text.isEmpty, "\(name): nothing rendered")
  let t = measurePair(
    config,
    body: {
      check(runner.run(loop), "\(name) failed")
      return ops
    },
    baseline: {
      do { try plain.run(loop) } catch { check(false, "\(name): \(error)") }
      return ops
    })
  return renderCost(
    name, per: json ? "JSON event" : "walk line", total: t, ops: ops,
    sample: probe.text.split(separator: "\n").first.map(String.init) ?? "")
}

/// `dump` of 1 GiB mapped so that every 4K page is its own row (attributes alternate), its
/// text discarded, against the model's scan of the same rows.
func dumpText(_ config: RunConfig) -> Measurement {
  let size = config.small ? 4 * Size.m : 64 * Size.m
  let pages = Int(size >> 12)
  // Pages alternate read-write and read-only: no two neighbours merge into one row.
  let setup = """
    space k regime el1 ttbr0 granule 4k va_bits 48
    for i in 0 ..< \(pages) {
      if i % 2 == 0 {
        map k 0x10_0000_0000 + i * 4K -> 0x4000_0000 + i * 4K size 4K rw
      } else {
        map k 0x10_0000_0000 + i * 4K -> 0x4000_0000 + i * 4K size 4K ro
      }
    }

    """
  let out = StringOutput()
  let probe = Runner(options: runnerOptions(), output: out, errors: out)
  runScript(probe.interpreter, "setup", setup)
  check(probe.run(SourceFile(name: "dump", text: "dump k")), "dump failed: \(out.text)")
  let rows = out.text.split(separator: "\n").count
  check(rows >= pages, "dump-text: \(rows) lines for \(pages) pages")
  let runner = Runner(options: runnerOptions(), output: NullOutput(), errors: NullOutput())
  runScript(runner.interpreter, "setup", setup)
  let dump = SourceFile(name: "dump", text: "dump k")
  let space = runner.interpreter.machine.space(named: "k")!
  let scanSetup = space.softwareSetup()
  let memory = runner.interpreter.machine.memory
  let t = measurePair(
    config,
    body: {
      check(runner.run(dump), "dump failed")
      return rows
    },
    baseline: {
      let runs = must("scan") { () throws(TableScanError) in
        try space.leafRuns(from: 0, through: lowMask48, memory: memory, setup: scanSetup)
      }
      blackHole(runs)
      return rows
    })
  return renderCost(
    "dump-text-1g", per: "dump row", total: t, ops: rows,
    sample: out.text.split(separator: "\n").dropFirst().first.map(String.init) ?? "")
}

/// The row of a rendering scenario: per-batch differences (rendered minus not), target 1 µs.
func renderCost(
  _ name: String, per: String, total t: (cpu: [Double], wall: [Double], baseline: [Double]),
  ops: Int, sample: String
) -> Measurement {
  let diffs = zip(t.cpu, t.baseline).map { $0 - $1 }
  let wallDiffs = zip(t.wall, t.baseline).map { $0 - $1 }
  var m = Measurement(
    name: name, per: per, unit: "ns", opsPerBatch: ops, samples: diffs, wallSamples: wallDiffs)
  m.target = 1000
  m.targetText = "<= 1000 ns"
  m.notes = [
    ("with rendering", fmt(Stats.median(t.cpu)) + " ns"),
    ("without", fmt(Stats.median(t.baseline)) + " ns"),
    ("a line", sample.count > 72 ? String(sample.prefix(72)) + "..." : sample),
  ]
  return m
}
