import MMU
import MMUTestSupport
import Testing

@testable import QEMUCheck

#if canImport(Glibc)
  import Glibc
#endif

/// The differential test: per profile, random registers and tables (seeded), about 2,000
/// queries in one QEMU, every comparable answer required to agree with the model's apart from
/// the documented QEMU departures. MMUSH_QEMU_SEED=N replays another seed.
@Suite("QEMU differential", .serialized)
struct DifferentialTests {
  static let scenarios = 40

  static var seed: UInt64 {
    getenv("MMUSH_QEMU_SEED").flatMap { UInt64(String(cString: $0), radix: 10) } ?? 0x5EED_2026
  }

  /// Runs `make` `scenarios` times from `seed`, checks everything in one QEMU, and returns
  /// the differences, the first one also as a one-query script.
  static func run(
    _ name: String, _ make: (inout SplitMix64) -> Scenario
  ) throws -> (differ: Int, summary: String)? {
    guard let binary = try? QEMURunner.locate(nil) else {
      print("skipped: \(QEMURunner.binaryName) is not installed (apt-get install qemu-system-arm)")
      return nil
    }
    let version = try QEMURunner.version(binary: binary)
    let profileSeed = seed ^ UInt64(truncatingIfNeeded: name.utf8.reduce(0) { $0 &* 31 &+ Int($1) })
    var rng = SplitMix64(seed: profileSeed)
    var queries: [CheckQuery] = []
    for _ in 0..<scenarios {
      let s = make(&rng)
      let snapshot = MemorySnapshotter().snapshot(s.memory)
      for (op, va) in s.queries {
        queries.append(CheckQuery(registers: s.registers, operation: op, va: va, memory: snapshot))
      }
    }
    let p = try CheckPlan.prepare(queries, qemuVersion: version)
    let results = try QEMURunner.run(p, binary: binary, seconds: 120)
    let verdicts = CheckComparison.verdicts(p, results, version: version)
    var agree = 0
    var known = 0
    var other = 0
    var differ = 0
    var first: String?
    for (k, v) in verdicts.enumerated() {
      switch v {
      case .agree: agree += 1
      case .knownDifference: known += 1
      case .notComparable: other += 1
      case .differ(let model, let qemu):
        differ += 1
        if getenv("MMUSH_QEMU_VERBOSE") != nil {
          print(
            "DIFF hcr \(String(queries[k].registers[.hcr_el2], radix: 16)) \(queries[k].operation) va \(String(queries[k].va, radix: 16)) mmush \(String(model, radix: 16)) qemu \(String(qemu, radix: 16))"
          )
          if case .par(_, let steps) = p.answers[k] {
            for st in steps {
              print(
                "  step s\(st.stage) L\(st.level) \(String(st.descriptor, radix: 16)) \(st.decoding.map { "\($0.granule) ds \($0.ds)" } ?? "nil")"
              )
            }
          }
        }
        if first == nil { first = script(queries[k], p.answers[k], model: model, qemu: qemu) }
      case .qemuException(let esr, let model):
        differ += 1
        if first == nil { first = script(queries[k], p.answers[k], model: model, qemu: esr) }
      }
    }
    let summary =
      "profile \(name), MMUSH_QEMU_SEED=\(seed) (profile seed \(profileSeed)): \(agree) agree, \(differ) differ, \(other) not"
      + " comparable, \(known) known QEMU differences"
    print(summary)
    if let first { print("first difference of profile \(name) as a script:\n\(first)") }
    #expect(agree > queries.count / 4, "too few comparable answers to mean anything")
    return (differ, summary)
  }

  /// A script that asks the model the same question (`mmush FILE`; the comment holds QEMU's
  /// answer).
  static func script(_ q: CheckQuery, _ a: ModelAnswer, model: UInt64, qemu: UInt64) -> String {
    func h(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
    var s = "set el 2\n"
    for r in [SystemRegister.id_aa64mmfr0_el1, .id_aa64mmfr1_el1, .id_aa64mmfr2_el1] {
      s += "set \(r.name) = \(h(q.registers[r]))\n"
    }
    for (_, r) in A64SystemRegister.vectorRegisters {
      s += "set \(r.name) = \(h(CheckPlan.vectorValue(q.registers, r)))\n"
    }
    // The descriptors the model's walk read (QEMU may read others: they are zero here).
    if case .par(_, let steps) = a {
      var seen: Set<UInt64> = []
      for st in steps where seen.insert(st.entryPA).inserted {
        s += "mem write \(h(st.entryPA)) = \(h(st.descriptor))\n"
      }
    }
    s += "at \(q.operation.model.rawValue) \(h(q.va))\n"
    s += "print par_el1   # mmush \(h(model)), QEMU \(h(qemu))\n"
    return s
  }

  @Test func el10() throws {
    guard let r = try Self.run("el10", { DifferentialProfiles.el10(&$0) }) else { return }
    #expect(r.differ == 0, "\(r.summary)")
  }

  @Test func lpa2AndLVA() throws {
    guard
      let r = try Self.run(
        "52-bit",
        { rng in
          rng.chance(50)
            ? DifferentialProfiles.el10(&rng, lpa2: true)
            : DifferentialProfiles.el10(&rng, lva64: true)
        })
    else { return }
    #expect(r.differ == 0, "\(r.summary)")
  }

  @Test func el2NonVHE() throws {
    guard let r = try Self.run("el2", { DifferentialProfiles.el2(&$0) }) else { return }
    #expect(r.differ == 0, "\(r.summary)")
  }

  @Test func vhe() throws {
    guard let r = try Self.run("vhe", { DifferentialProfiles.vhe(&$0) }) else { return }
    #expect(r.differ == 0, "\(r.summary)")
  }

  // Stage 2 alone runs with stage 1 disabled (and with HCR_EL2.DC=1 in some scenarios); the
  // nested profile sets HCR_EL2.PTW and DC.
  @Test func stage2Alone() throws {
    guard let r = try Self.run("stage2", { DifferentialProfiles.stage2(&$0) }) else { return }
    #expect(r.differ == 0, "\(r.summary)")
  }

  @Test func nested() throws {
    guard let r = try Self.run("nested", { DifferentialProfiles.nested(&$0) }) else { return }
    #expect(r.differ == 0, "\(r.summary)")
  }
}
