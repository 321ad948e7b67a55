import MMU

/// Why a check could not be made; the shell words these.
public enum CheckError: Error, Equatable {
  /// No QEMU at the path given, or none on PATH.
  case qemuMissing(String)
  /// QEMU did not finish within the bound (seconds); it was killed.
  case qemuTimedOut(Int)
  /// QEMU exited with this status or signal, with the tail of what it printed.
  case qemuFailed(String, output: String)
  /// The results QEMU wrote are not what the image writes.
  case badResults(String)
  /// The run would not fit the machine's memory (stream or results).
  case tooLarge(String)
  /// A file could not be read or written.
  case file(String, reason: String)
}

/// Everything a run of the check needs: the image, the vector stream, and mmush's answers.
public struct PreparedCheck {
  public let image: [UInt8]
  /// The stream naming the results file `CheckLayout.resultsFileName` (QEMU's working
  /// directory), as `--export-image` writes it.
  public let stream: [UInt8]
  let writer: StreamWriter
  public let queries: [CheckQuery]
  /// mmush's answer to each query, in order.
  public let answers: [ModelAnswer]
  /// For each query, its position in QEMU's results; nil for a query not sent.
  public let resultIndex: [Int?]
  /// How many queries QEMU answers.
  public let sentCount: Int
  /// Vectors in the stream.
  public let vectorCount: Int

  /// The stream with the results written to `resultsPath` instead.
  public func stream(resultsPath: String) throws(CheckError) -> [UInt8] {
    try writer.finish(queryCount: sentCount, resultsPath: resultsPath)
  }
}

/// Turns queries into vectors: consecutive queries with the same registers and memory share
/// one. mmush's side of each is the model's `AT` on a copy of memory that receives exactly
/// the page writes the image makes, with a fresh TLB: the walk of the tables, never a TLB hit.
public enum CheckPlan {
  public static func prepare(
    _ queries: [CheckQuery], qemuVersion: QEMUVersion?
  ) throws(CheckError) -> PreparedCheck {
    let replica = PhysicalMemory()
    let model = Machine(memory: replica)
    var current: [UInt64: PageData] = [:]
    var rewriteAll = false
    var writer = StreamWriter()
    var answers: [ModelAnswer] = []
    var resultIndex: [Int?] = []
    var sent = 0
    var i = 0
    while i < queries.count {
      var end = i + 1
      while end < queries.count, queries[end].registers == queries[i].registers,
        queries[end].memory.isSame(as: queries[i].memory)
      {
        end += 1
      }
      let pages = queries[i].memory.pages
      var copies: [(UInt64, PageData)] = []
      var zeroes: [UInt64] = []
      for pa in pages.keys.sorted() where rewriteAll || current[pa] !== pages[pa] {
        let page = pages[pa]!
        _ = try? replica.writeBytes(pa, page.bytes)
        if CheckLayout.tableRange.contains(pa) { copies.append((pa, page)) }
      }
      for pa in current.keys.sorted() where pages[pa] == nil {
        replica.discardPage(pa)
        if CheckLayout.tableRange.contains(pa) { zeroes.append(pa) }
      }
      current = pages
      rewriteAll = false
      var ops: [(A64ATOperation, UInt64)] = []
      for q in queries[i..<end] {
        let a = modelAnswer(q, machine: model, version: qemuVersion)
        answers.append(a)
        if case .par = a {
          resultIndex.append(sent)
          sent += 1
          ops.append((q.operation, q.va))
        } else {
          resultIndex.append(nil)
        }
        if q.mayUpdateTables { rewriteAll = true }
      }
      writer.addVector(
        copies: copies, zeroes: zeroes,
        registers: A64SystemRegister.vectorRegisters.map {
          vectorValue(queries[i].registers, $0.1)
        },
        queries: ops)
      i = end
    }
    guard sent <= CheckLayout.maxQueries else {
      throw .tooLarge("\(sent) queries (at most \(CheckLayout.maxQueries) fit one run)")
    }
    let stream = try writer.finish(queryCount: sent, resultsPath: CheckLayout.resultsFileName)
    return PreparedCheck(
      image: CheckImage.build(), stream: stream, writer: writer, queries: queries, answers: answers,
      resultIndex: resultIndex, sentCount: sent, vectorCount: writer.vectorCount)
  }

  /// What the image writes to `r`: the model's value, except that HCR_EL2.RW (bit 31) is
  /// set, as the model assumes: EL1 is AArch64 (with RW=0 QEMU walks EL1&0 as AArch32).
  static func vectorValue(_ regs: RegisterFile, _ r: SystemRegister) -> UInt64 {
    r == .hcr_el2 ? regs[r] | (1 << 31) : regs[r]
  }

  /// The model's AT for `q` on `machine` (whose memory holds the vector's pages).
  static func modelAnswer(_ q: CheckQuery, machine: Machine, version: QEMUVersion?)
    -> ModelAnswer
  {
    if q.registers.implementation != ImplementationChoices() {
      return .notComparable(
        "an implementation choice (`set choice`) differs from QEMU's and the pseudocode's")
    }
    let c = machine.cpu
    c.reset()
    c.registers = q.registers
    c.el = q.modelEL
    let (result, access) = machine.addressTranslate(
      q.operation.model, va: q.va, cpu: c, trace: true)
    let steps = flatten(access.walk.steps)
    if let outside = steps.first(where: { !CheckLayout.tableRange.contains($0.entryPA) }) {
      return .notComparable(
        "a descriptor at PA \(hex(outside.entryPA)) lies outside the RAM the QEMU check"
          + " copies tables to (\(hex(CheckLayout.tableRange.lowerBound))"
          + "-\(hex(CheckLayout.tableRange.upperBound - 1)))")
    }
    guard case .par(let par) = result else {
      return .notComparable("the model takes an exception to EL2 instead of writing PAR_EL1")
    }
    let c0 = DepartureCase(
      operation: q.operation, registers: q.registers, model: DecodedPAR(par),
      qemu: DecodedPAR(par), steps: steps)
    if let d = QEMUDepartures.abort(c0, version: version) {
      return .wouldAbortQEMU(d)
    }
    return .par(par, steps: steps)
  }

  /// Every descriptor fetch in walk order, each stage-2 walk before the fetch it translated.
  static func flatten(_ steps: [WalkStep]) -> [WalkStep] {
    var out: [WalkStep] = []
    for s in steps {
      out += flatten(s.stage2Steps)
      out.append(s)
    }
    return out
  }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
