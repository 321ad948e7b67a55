import Foundation
import MMULive
import MMUTestSupport
import Testing

/// mmush attached to QEMU running the project's bare-metal guest (Guest/guest.S), checked
/// against the answers the guest's own AT instructions left in memory, against the
/// monitor's `gva2gpa`, and against the translations derived by hand from the descriptors
/// the guest writes (Arm ARM AArch64.S1Translate / AArch64.S2Translate):
///
/// EL2 stage 1 (TTBR0_EL2 0x40100000, 39-bit VA, 4K): VA 0x1000 page -> 0x40200000 RW,
/// 0x2000 page -> 0x40201000 read-only (AP[2]), 0x200000 2M block -> 0x40400000,
/// 0x40000000 1G block -> itself; 0x3000 invalid at level 3.
/// Stage 2 (VTTBR_EL2 0x40110000, 32-bit IPA, start level 1): IPA 0x40000000 1G -> itself,
/// 0x80000000 2M -> 0x40600000, 0x80200000 page -> 0x40800000, 0x80201000 page ->
/// 0x40801000 read-only (S2AP 01); IPA 0x90000000 invalid at level 2.
/// EL1&0 stage 1 (tables at IPA 0x8000x000, both halves 39-bit): VA 0x1000 -> IPA
/// 0x80200000, 0x2000 -> 0x80201000, 0x3000 -> 0x90000000, 0x200000 2M -> 0x80000000,
/// 0xffffffffc0000000 1G -> IPA 0x40000000.
@Suite("Live: QEMU bare-metal guest", .serialized)
struct LiveQEMUTests {
  static let guest = MMUSH.root + "/Tests/MMULiveTests/Guest/guest.elf"
  static let results: UInt64 = 0x4030_0000
  static let done: UInt64 = 0x600d_cafe

  /// The guest's AT instructions, in order, with the answer derived by hand: a PA, or a
  /// fault's status code (PAR_EL1.FST) and whether stage 2 faulted (PAR_EL1.S).
  enum Expected: Equatable {
    case pa(UInt64)
    case fault(fst: UInt64, stage2: Bool)
  }
  static let ats: [(op: String, va: UInt64, expected: Expected)] = [
    ("s1e2r", 0x1000, .pa(0x4020_0000)),
    ("s1e2w", 0x2000, .fault(fst: 0x0f, stage2: false)),  // permission, level 3
    ("s1e2r", 0x2000, .pa(0x4020_1000)),
    ("s1e2r", 0x20_0123, .pa(0x4040_0000)),
    ("s1e2r", 0x3000, .fault(fst: 0x07, stage2: false)),  // translation, level 3
    ("s12e1r", 0x1000, .pa(0x4080_0000)),
    ("s12e1w", 0x2000, .fault(fst: 0x0f, stage2: true)),  // stage-2 permission, level 3
    ("s12e1r", 0x2000, .pa(0x4080_1000)),
    ("s12e1r", 0x3000, .fault(fst: 0x06, stage2: true)),  // stage-2 translation, level 2
    ("s12e1r", 0x20_0000, .pa(0x4060_0000)),
    ("s1e1r", 0x1000, .pa(0x8020_0000)),  // stage 1 alone: the IPA
    ("s12e1r", 0xffff_ffff_c000_1000, .pa(0x4000_1000)),
  ]

  /// Pages the guest wrote (tables, results, data): they must read the same after mmush.
  static let pages: [UInt64] = [
    0x4010_0000, 0x4010_1000, 0x4010_2000, 0x4011_0000, 0x4011_1000, 0x4011_2000, 0x4060_0000,
    0x4060_1000, 0x4060_2000, 0x4060_3000, 0x4030_0000, 0x4020_0000,
  ]

  static func decode(_ par: UInt64) -> Expected {
    par & 1 == 1
      ? .fault(fst: (par >> 1) & 0x3f, stage2: par & (1 << 9) != 0)
      : .pa(par & 0x000f_ffff_ffff_f000)
  }

  static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

  @Test(
    .enabled(if: QEMUMachine.qemu != nil, "qemu-system-aarch64 is not installed"),
    .timeLimit(.minutes(3)))
  func walksAndDumpMatchTheGuestsATAndTheMonitor() throws {
    let qemu = try QEMUMachine(
      qemu: QEMUMachine.qemu!,
      arguments: [
        "-M", "virt,virtualization=on", "-cpu", "max", "-smp", "2", "-m", "256M", "-serial",
        "none", "-kernel", Self.guest,
      ],
      seconds: 120)
    defer { qemu.kill() }
    let monitor = try qemu.waitForMonitor(seconds: 30)
    // The guest is done when its marker follows the PARs.
    var words: [UInt64] = []
    for _ in 0..<200 {
      words = try monitor.physical(Self.results, count: Self.ats.count + 1)
      if words.count == Self.ats.count + 1 && words.last == Self.done { break }
      usleep(50_000)
    }
    try #require(words.last == Self.done, "the guest did not finish: \(words)")
    let pars = Array(words.prefix(Self.ats.count))
    // The guest's own answers are the hand-derived ones (else the guest is wrong).
    for (i, at) in Self.ats.enumerated() {
      #expect(Self.decode(pars[i]) == at.expected, "guest AT \(at.op) \(Self.hex(at.va))")
    }
    // The monitor translates in the CPU's current regime, EL2.
    #expect(try monitor.gva2gpa(0x1000) == 0x4020_0000)
    #expect(try monitor.gva2gpa(0x20_0123) == 0x4040_0123)
    #expect(try monitor.gva2gpa(0x3000) == nil)
    let before = try Self.pages.map { try monitor.physical($0, count: 512) }

    var script = Self.ats.map { "at \($0.op) \(Self.hex($0.va))" }
    script += [
      "walk el2 0x1000", "walk el2 0x200123", "walk el2 0x3000", "walk el1 0x1000",
      "walk el1 0x2000 write", "dump el1", "dump el2",
      // A local write: mmush's copy changes, the guest's memory does not.
      "mem write 0x40200000 = 0xdeadbeef", "mem read 0x40200000", "detach halt",
    ]
    let r = try MMUSH.run(
      ["--json", "--attach", "127.0.0.1:\(qemu.port)"], script: script.joined(separator: "\n"),
      seconds: 60)
    #expect(r.status == 0, "\(r.stderr)")
    let objects = r.objects

    // Attached: two vCPUs, at EL2.
    let attached = objects.first { $0["type"] as? String == "live" }
    let cpus = attached?["cpus"] as? [[String: Any]] ?? []
    #expect(cpus.map { $0["el"] as? Int } == [2, 2])

    // mmush's AT answers are the guest's, bit for bit.
    let ats = objects.filter { $0["type"] as? String == "at" }
    #expect(ats.count == Self.ats.count)
    for (i, at) in ats.enumerated() where i < pars.count {
      #expect(
        at["par"] as? String == Self.hex(pars[i]), "mmush AT \(Self.ats[i].op) \(Self.ats[i].va)")
    }

    // Walks: the PAs the guest and the monitor gave.
    let walks = objects.filter { $0["type"] as? String == "walk" }
    func pa(_ w: [String: Any]) -> String? {
      (w["translation"] as? [String: Any])?["pa"] as? String
    }
    func fault(_ w: [String: Any]) -> [String: Any]? { w["fault"] as? [String: Any] }
    try #require(walks.count == 5)
    #expect(pa(walks[0]) == Self.hex(try monitor.gva2gpa(0x1000)!))
    #expect(pa(walks[1]) == Self.hex(try monitor.gva2gpa(0x20_0123)!))
    #expect(fault(walks[2])?["kind"] as? String == "translation")
    #expect(fault(walks[2])?["level"] as? Int == 3)
    #expect(pa(walks[3]) == Self.hex(pars[5] & 0x000f_ffff_ffff_f000))
    #expect(fault(walks[4])?["kind"] as? String == "permission")
    #expect(fault(walks[4])?["stage"] as? Int == 2)

    // Dumps: every row derived by hand, each consistent with a guest AT.
    let rows = objects.filter { $0["type"] as? String == "dump_row" }.map {
      [
        $0["section"] as? String ?? "", $0["start"] as? String ?? "", $0["size"] as? String ?? "",
        $0["output"] as? String ?? "",
      ]
    }
    #expect(
      rows == [
        ["TTBR0_EL1", "0x1000", "0x2000", Self.hex(pars[10] & 0xffff_ffff_f000)],
        ["TTBR0_EL1", "0x3000", "0x1000", "0x90000000"],
        ["TTBR0_EL1", "0x200000", "0x200000", "0x80000000"],
        ["TTBR1_EL1", "0xffffffffc0000000", "0x40000000", "0x40000000"],
        ["TTBR0_EL2", "0x1000", "0x1000", Self.hex(pars[0] & 0xffff_ffff_f000)],
        ["TTBR0_EL2", "0x2000", "0x1000", Self.hex(pars[2] & 0xffff_ffff_f000)],
        ["TTBR0_EL2", "0x200000", "0x200000", Self.hex(pars[3] & 0xffff_ffff_f000)],
        ["TTBR0_EL2", "0x40000000", "0x40000000", "0x40000000"],
      ])

    // The local write reads back in mmush…
    let read = objects.first { $0["type"] as? String == "mem" }
    #expect(read?["values"] as? [String] == ["0xdeadbeef"])
    // …and the guest's memory is as it was.
    let after = try Self.pages.map { try monitor.physical($0, count: 512) }
    #expect(after == before)
    #expect(after.last?.first == 0x1111_2222_3333_4444)
    // `detach halt` left the guest halted.
    #expect(try monitor.command("info status").joined().contains("paused"))

    // The stub is back in virtual-address mode: EL2 VA 0x1000 reads the guest's data page
    // (PA 0x40200000), not PA 0x1000 (flash).
    let t = try LiveTarget(host: "127.0.0.1", port: qemu.port, timeout: 10)
    let bytes = try t.connection.request("m1000,8")
    #expect(String(decoding: bytes, as: UTF8.self) == "4444333322221111")
    try t.detach(resume: true)
    #expect(try monitor.command("info status").joined().contains("running"))
  }
}
