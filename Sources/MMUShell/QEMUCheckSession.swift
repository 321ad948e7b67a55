import MMU
import MMUScript
import MMUSyntax
import QEMUCheck

/// What `mmush --qemu`, `--export-image` and `--qemu-results` ask for.
public struct QEMUOptions: Sendable {
  /// Run QEMU (`--qemu`).
  public var run = false
  /// `--qemu-binary PATH`; nil looks for qemu-system-aarch64 on PATH.
  public var binary: String?
  /// `--export-image DIR`.
  public var exportDirectory: String?
  /// `--qemu-results FILE`: compare with results another run of the exported image wrote.
  public var resultsFile: String?
  /// The bound on QEMU's time, in seconds; nil scales it with the number of queries.
  public var seconds: Int?
  public init() {}

  public var isActive: Bool { run || exportDirectory != nil || resultsFile != nil }
}

/// Collects every `at`, `walk` and `assert walk` of a run as a QEMU query, then checks them
/// all in one QEMU (`finish`).
public final class QEMUCheckSession: TranslationObserver {
  /// One observed statement: where, what, and its query (or why there is none).
  struct Entry {
    var range: SourceRange
    var what: String
    var query: Result<Int, NotComparable>
  }

  var entries: [Entry] = []
  var queries: [CheckQuery] = []
  let snapshotter = MemorySnapshotter()
  public let options: QEMUOptions

  public init(options: QEMUOptions) { self.options = options }

  public func willTranslate(_ t: ObservedTranslation) {
    let mapped: Result<CheckQuery, NotComparable>
    let what: String
    switch t.statement {
    case .at(let op):
      what = "at \(op.rawValue) \(hex(t.va))"
      mapped = QueryMapping.forAT(
        op, el: t.el, registers: t.registers, va: t.va, memory: snapshotter.snapshot(t.memory))
    case .walk, .assertWalk:
      what =
        (t.statement == .walk ? "walk " : "assert walk ")
        + "\(QEMUReportText.regimeWord(t.context, stage1Only: t.stage1Only)) \(hex(t.va)) \(t.access)"
      mapped = QueryMapping.forAccess(
        context: t.context, stage1Only: t.stage1Only, access: t.access, registers: t.registers,
        va: t.va,
        memory: snapshotter.snapshot(t.memory))
    }
    switch mapped {
    case .success(let q):
      entries.append(Entry(range: t.range, what: what, query: .success(queries.count)))
      queries.append(q)
    case .failure(let why):
      entries.append(Entry(range: t.range, what: what, query: .failure(why)))
    }
  }

  /// Checks the collected queries; writes the report to `out` (errors to `err`) and returns
  /// the exit status: 0 all comparable answers agree, 1 some differ, 2 the check could not be
  /// made (QEMU missing, crashed, hung or wrote something unexpected; a file unusable).
  public func finish(out: TextOutput, err: TextOutput) -> Int32 {
    do throws(CheckError) {
      var version: QEMUVersion?
      var binary: String?
      if options.run {
        let b = try QEMURunner.locate(options.binary)
        binary = b
        version = try QEMURunner.version(binary: b)
      }
      let prepared = try CheckPlan.prepare(queries, qemuVersion: version)
      if let dir = options.exportDirectory {
        try CheckExport.write(prepared, to: dir, expected: expectedLines(prepared))
        out.write(QEMUReportText.exported(dir, queries: prepared.sentCount))
      }
      let results: QEMUResults
      if let file = options.resultsFile {
        results = try QEMUResults(bytes: try CheckExport.read(file), count: prepared.sentCount)
      } else if let binary {
        let seconds = options.seconds ?? 60 + prepared.sentCount / 500
        results = try QEMURunner.run(prepared, binary: binary, seconds: seconds)
      } else {
        out.flush()
        return 0
      }
      let verdicts = CheckComparison.verdicts(prepared, results, version: version)
      let report = QEMUReportText.report(entries: entries, verdicts: verdicts)
      out.write(report.text)
      out.flush()
      return report.differ > 0 ? 1 : 0
    } catch {
      out.flush()
      err.write(QEMUReportText.error(error) + "\n")
      err.flush()
      return 2
    }
  }

  /// One line per query sent: its position, the statement, and mmush's PAR.
  func expectedLines(_ p: PreparedCheck) -> [String] {
    var lines: [String] = []
    for e in entries {
      guard case .success(let k) = e.query, let n = p.resultIndex[k],
        case .par(let par, _) = p.answers[k]
      else { continue }
      lines.append("\(n) \(e.range.start) \(hex(par)) \(e.what)")
    }
    return lines
  }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
