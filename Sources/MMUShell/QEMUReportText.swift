import MMU
import MMUSyntax
import QEMUCheck

/// The wording of `mmush --qemu`: each statement whose answer differs, the known QEMU
/// differences and the statements without a QEMU counterpart, then the counts.
enum QEMUReportText {
  /// Differences printed per statement (a loop may repeat one thousands of times).
  static let differencesPerStatement = 3

  static func report(entries: [QEMUCheckSession.Entry], verdicts: [CheckVerdict]) -> (
    text: String, differ: Int
  ) {
    var text = ""
    var agree = 0
    var differ = 0
    var notComparable = 0
    var known = 0
    var shownDifferences: [SourceRange: Int] = [:]
    var noted: Set<String> = []
    // (location, reason) → count, in first-seen order.
    var skipped: [(key: String, line: String, count: Int)] = []
    var skippedIndex: [String: Int] = [:]
    func skip(_ e: QEMUCheckSession.Entry, _ reason: String) {
      notComparable += 1
      let key = "\(e.range.start)\u{0}\(reason)"
      if let k = skippedIndex[key] {
        skipped[k].count += 1
      } else {
        skippedIndex[key] = skipped.count
        skipped.append((key, "\(e.range.start): not comparable: \(reason) (\(e.what))", 1))
      }
    }
    for e in entries {
      switch e.query {
      case .failure(let why): skip(e, why.reason)
      case .success(let k):
        switch verdicts[k] {
        case .agree: agree += 1
        case .notComparable(let why): skip(e, why)
        case .knownDifference(let used, let model, let qemu):
          known += 1
          for d in used where noted.insert("\(e.range.start)\u{0}\(d.name)").inserted {
            text += "\(e.range.start): known QEMU difference: \(d.summary) (\(e.what))\n"
            text += "    mmush: \(par(model))\n    QEMU:  \(par(qemu))\n"
          }
        case .differ(let model, let qemu):
          differ += 1
          let n = shownDifferences[e.range, default: 0]
          shownDifferences[e.range] = n + 1
          if n < differencesPerStatement {
            text += "\(e.range.start): differs from QEMU: \(e.what)\n"
            text += "    mmush: \(par(model))\n    QEMU:  \(par(qemu))\n"
          }
        case .qemuException(let esr, let model):
          differ += 1
          text += "\(e.range.start): differs from QEMU: \(e.what)\n"
          text +=
            "    mmush: \(par(model))\n    QEMU:  the AT took an exception (ESR \(hex(esr)))\n"
        }
      }
    }
    for (range, n) in shownDifferences.sorted(by: { $0.key.start < $1.key.start })
    where n > differencesPerStatement {
      text += "\(range.start): \(n - differencesPerStatement) more differences at this statement\n"
    }
    for s in skipped {
      text += s.count > 1 ? "\(s.line) ×\(s.count)\n" : "\(s.line)\n"
    }
    text += "qemu: \(agree) agree, \(differ) differ, \(notComparable) not comparable"
    if known > 0 { text += " (\(known) known QEMU differences not counted)" }
    text += "\n"
    return (text, differ)
  }

  /// PAR_EL1 decoded: "PAR 0x…: PA 0x…, ATTR 0xff, SH 0b11, NS" or "PAR 0x…: translation
  /// fault, level 2, stage 1, on a stage-1 table walk".
  static func par(_ value: UInt64) -> String {
    let d = DecodedPAR(value)
    if d.faulted {
      let f = d.fault
      let kind = f.kind.map { "\($0) fault" } ?? "fault status \(hex(d.faultStatus))"
      var s = "PAR \(hex(value)): \(kind), level \(f.level), stage \(d.stage2 ? 2 : 1)"
      if d.s1ptw { s += ", on a stage-1 table walk (S1PTW)" }
      return s
    }
    let sh = ["0b00 non-shareable", "0b01 reserved", "0b10 outer", "0b11 inner"][
      Int(d.shareability)]
    return "PAR \(hex(value)): PA \(hex(d.pa)), ATTR \(hex(d.attributes)), SH \(sh)"
      + (d.nonSecure ? ", NS" : "")
  }

  static func regimeWord(_ c: AccessContext, stage1Only: Bool) -> String {
    if stage1Only { return "s1" }
    switch c.regime {
    case .stage2: return "s2"
    case .el2: return "el2"
    case .el20: return c.unprivileged ? "el0" : "el2"
    default: return c.unprivileged ? "el0" : "el1"
    }
  }

  static func exported(_ dir: String, queries: Int) -> String {
    "qemu: wrote \(dir)/image.bin, vectors.bin, command.txt and expected.txt (\(queries)"
      + " queries); run command.txt in \(dir), then mmush --qemu-results"
      + " \(dir)/\(CheckLayout.resultsFileName) with the same scripts\n"
  }

  static func error(_ e: CheckError) -> String {
    switch e {
    case .qemuMissing(let what):
      return "mmush: --qemu needs \(QEMURunner.binaryName): \(what); install it with"
        + " `apt-get install qemu-system-arm` or name it with --qemu-binary PATH"
    case .qemuTimedOut(let s):
      return "mmush: QEMU did not finish within \(s) s and was killed; no verdict"
    case .qemuFailed(let what, let output):
      let tail = output.isEmpty ? "" : "; it printed:\n" + output
      return "mmush: \(what); no verdict\(tail)"
    case .badResults(let what):
      return "mmush: the QEMU results are unusable: \(what); no verdict"
    case .tooLarge(let what):
      return "mmush: the QEMU check is too large for one run: \(what)"
    case .file(let path, let reason):
      return "mmush: \(path): \(reason)"
    }
  }
}
