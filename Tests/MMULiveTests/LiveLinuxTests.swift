import Foundation
import MMULive
import MMUTestSupport
import Testing

/// A Debian arm64 kernel booted in QEMU: the live `dump el1` over the gdbstub must print what
/// `mmush --core` prints for the same halted machine's `dump-guest-memory` core (registers
/// from its VMCOREINFO, none typed), row for row and byte for byte, and both must translate a
/// few hundred VAs as the monitor's `gva2gpa` does.
///
/// The kernel and its initramfs are too big to commit: the test runs where MMUSH_LINUX_DATA
/// names a folder made by `Tests/Fixtures/linux/fetch.sh` (CI runs it) and is skipped, with
/// that reason, elsewhere.
@Suite("Live: QEMU Linux guest", .serialized)
struct LiveLinuxTests {
  static let data = ProcessInfo.processInfo.environment["MMUSH_LINUX_DATA"]
  /// Why the test cannot run here, or nil.
  static var skipReason: String? {
    guard QEMUMachine.qemu != nil else { return "qemu-system-aarch64 is not installed" }
    guard let data else {
      return
        "MMUSH_LINUX_DATA is not set (Tests/Fixtures/linux/fetch.sh makes the folder; CI runs it)"
    }
    for file in ["vmlinuz", "initramfs.cpio.gz"]
    where !FileManager.default.fileExists(atPath: data + "/" + file) {
      return "MMUSH_LINUX_DATA=\(data) holds no \(file) (Tests/Fixtures/linux/fetch.sh makes it)"
    }
    return nil
  }

  /// What both sides run after attaching or loading the core: the dump as mmush draws it and
  /// as the kernel's ptdump would.
  static let dumps = "dump el1\ndump el1 format linux"

  @Test(
    .enabled(if: skipReason == nil, Comment(rawValue: skipReason ?? "")),
    .timeLimit(.minutes(3)))
  func liveDumpMatchesTheSameMachinesCore() throws {
    let data = Self.data!
    let clock = Date()
    func elapsed(_ since: Date) -> String {
      String(format: "%.1f s", Date().timeIntervalSince(since))
    }
    if let versions = try? String(contentsOfFile: data + "/versions.txt", encoding: .utf8) {
      print("Linux guest from: " + versions.split(separator: "\n").joined(separator: ", "))
    }
    // 512M keeps the core small; -device vmcoreinfo makes QEMU write the guest's VMCOREINFO
    // (which the initramfs's qemu_fw_cfg hands it) into the core.
    let qemu = try QEMUMachine(
      qemu: QEMUMachine.qemu!,
      arguments: [
        "-M", "virt", "-cpu", "cortex-a57", "-m", "512M", "-kernel", data + "/vmlinuz", "-initrd",
        data + "/initramfs.cpio.gz", "-append", "console=ttyAMA0 nokaslr", "-device", "vmcoreinfo",
      ],
      seconds: 150, serialLog: true)
    defer { qemu.kill() }
    let monitor = try qemu.waitForMonitor(seconds: 30)
    var log = ""
    let deadline = Date().addingTimeInterval(90)
    while Date() < deadline && !log.contains("MMUSH-READY") {
      usleep(200_000)
      log = (try? String(contentsOfFile: qemu.serialPath, encoding: .utf8)) ?? ""
    }
    try #require(log.contains("MMUSH-READY"), "the guest did not reach its /init within 90 s")
    try #require(
      log.contains("MMUSH-FWCFG-OK"),
      "the initramfs did not load qemu_fw_cfg: the core would have no VMCOREINFO")
    _ = try monitor.command("stop")
    print("Linux guest booted and stopped: \(elapsed(clock))")

    // The core of the halted machine first, through the CLI: its ptdump carries the
    // `---[ … ]---` markers mmush computes from VMCOREINFO (docs/cores.md).
    var started = Date()
    let core = qemu.directory + "/guest.elf"
    _ = try monitor.command("dump-guest-memory \"\(core)\"", seconds: 60)
    try #require(FileManager.default.fileExists(atPath: core), "dump-guest-memory wrote no core")
    print("dump-guest-memory (512M): \(elapsed(started))")
    started = Date()
    let coreText = try MMUSH.run(["--core", core, "-c", Self.dumps], seconds: 60)
    try #require(coreText.status == 0, "\(coreText.stderr)")
    print("mmush --core … dump el1 and format linux: \(elapsed(started))")

    // Then the same machine live: a gdbstub has no VMCOREINFO, so the markers are declared
    // with `marker` at the addresses the core's text puts them.
    let markers = Self.markers(inPtdump: Self.DumpText(coreText.stdout).ptdump)
    let declared = markers.map { "marker \(Self.hex($0.address)) \"\($0.name)\"" }
    started = Date()
    let liveText = try MMUSH.run(
      [
        "--attach", "127.0.0.1:\(qemu.port)", "-c",
        (declared + [Self.dumps, "detach halt"]).joined(separator: "\n"),
      ], seconds: 60)
    try #require(liveText.status == 0, "\(liveText.stderr)")
    print("live dump el1 and dump el1 format linux: \(elapsed(started))")

    // Every VA's walk and AT, and the registers the core cannot hold, both ways.
    let vas = Self.addresses(fromPtdump: liveText.stdout)
    let probes = vas.map { "walk el1 \(Self.hex($0))\nat s1e1r \(Self.hex($0))" }
    let registers = "print ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1, sctlr_el1"
    let perVA = ([registers, "dump el1"] + probes).joined(separator: "\n")
    let liveJSON = try MMUSH.run(
      ["--json", "--attach", "127.0.0.1:\(qemu.port)", "-c", perVA + "\ndetach halt"], seconds: 60)
    try #require(liveJSON.status == 0, "\(liveJSON.stderr)")
    let coreJSON = try MMUSH.run(["--json", "--core", core, "-c", perVA], seconds: 60)
    try #require(coreJSON.status == 0, "\(coreJSON.stderr)")

    // The text, byte for byte. The only difference is TTBR0_EL1: the core cannot hold it
    // (its TCR_EL1.EPD0 is 1, docs/cores.md), while the halted CPU's TTBR0 still points at
    // the last process's tables. So the TTBR1 section and the whole ptdump must be equal.
    let live = Self.DumpText(liveText.stdout)
    let offline = Self.DumpText(coreText.stdout)
    #expect(live.ttbr1.count > 100)
    #expect(live.ttbr1 == offline.ttbr1)
    #expect(live.ptdump.count > 100)
    #expect(live.ptdump == offline.ptdump)
    #expect(markers.count >= 8, "the core's ptdump has \(markers.count) markers")
    #expect(offline.ttbr0.last?.hasPrefix("  no walk: TCR_EL1.EPD0=1") == true)
    #expect(live.ttbr0.count > 1)

    // The same rows as JSON, every field, and the registers the core derived.
    let liveRows = Self.rows(liveJSON, section: "TTBR1_EL1")
    #expect(liveRows == Self.rows(coreJSON, section: "TTBR1_EL1"))
    let liveRegs = Self.printed(liveJSON)
    let coreRegs = Self.printed(coreJSON)
    try #require(liveRegs.count == 5 && coreRegs.count == 5)
    // TTBR1_EL1's table address (swapper_pg_dir - kimage_voffset) and MAIR_EL1 (by release)
    // are the CPU's. Not the ASID: Linux keeps the current process's in TTBR1_EL1[63:48]
    // (TCR_EL1.A1 = 1), which a core does not record.
    let baddr = { (v: String) in UInt64(v.dropFirst(2), radix: 16).map { $0 & 0xffff_ffff_ffff } }
    #expect(baddr(coreRegs[1]) == baddr(liveRegs[1]))
    #expect(coreRegs[3] == liveRegs[3])
    print(
      "registers live / core: TTBR1_EL1 \(liveRegs[1]) / \(coreRegs[1]), TTBR0_EL1 \(liveRegs[0]) / \(coreRegs[0]), TCR_EL1 \(liveRegs[2]) / \(coreRegs[2]), SCTLR_EL1 \(liveRegs[4]) / \(coreRegs[4])"
    )

    // TTBR0_EL1 typed into the core from the live CPU: the process's rows are the same too.
    let user = try MMUSH.run(
      [
        "--json", "--core", core, "-c",
        "set ttbr0_el1 = \(liveRegs[0])\nset tcr_el1.epd0 = 0\ndump el1",
      ], seconds: 60)
    try #require(user.status == 0, "\(user.stderr)")
    let userRows = Self.rows(liveJSON, section: "TTBR0_EL1")
    #expect(!userRows.isEmpty)
    #expect(userRows == Self.rows(user, section: "TTBR0_EL1"))

    // Every VA: live and core agree on the walk and the PAR, and the walk's PA is the
    // monitor's (QEMU's own walk, target/arm/ptw.c), or both say unmapped.
    let liveWalks = Self.objects(liveJSON, "walk")
    let liveATs = Self.objects(liveJSON, "at")
    try #require(liveWalks.count == vas.count && liveATs.count == vas.count)
    #expect(liveWalks == Self.objects(coreJSON, "walk"))
    #expect(liveATs == Self.objects(coreJSON, "at"))
    var mapped = 0
    started = Date()
    for (va, pa) in zip(vas, Self.walkPAs(liveJSON)) {
      let qemuPA = try monitor.gva2gpa(va)
      #expect(
        pa == qemuPA,
        "VA \(Self.hex(va)): mmush \(pa.map(Self.hex) ?? "fault"), QEMU \(qemuPA.map(Self.hex) ?? "unmapped")"
      )
      if pa != nil { mapped += 1 }
    }
    print(
      "compared: \(live.ttbr1.count) dump lines, \(live.ptdump.count) ptdump lines (\(markers.count) markers), \(liveRows.count) + \(userRows.count) JSON rows; \(vas.count) VAs (\(mapped) mapped) with gva2gpa in \(elapsed(started))"
    )
    #expect(mapped > vas.count / 4 && mapped < vas.count)

    // A tagged kernel VA (the first probed VA that is mapped, with a tag). Live, the CPU's
    // TBI1 decides (Debian's 6.1 and 6.12 set it, with TBID1 leaving data accesses such as
    // this walk to it): the top byte is ignored and the VA translates as its untagged self, as
    // QEMU's gva2gpa says (AArch64.AddrTop, AArch64.VAIsOutOfRange; docs/architecture.md
    // §2.7). A core sets TBI1 as __cpu_setup does from 5.10 (docs/cores.md): the same answer.
    let kernelVA = try #require(zip(vas, Self.walkPAs(liveJSON)).first { $0.1 != nil }?.0)
    let taggedVA = kernelVA & 0x00ff_ffff_ffff_ffff | 0x5a00_0000_0000_0000
    let liveTagged = try MMUSH.run(
      [
        "--json", "--attach", "127.0.0.1:\(qemu.port)", "-c",
        "walk el1 \(Self.hex(taggedVA))\ndetach halt",
      ], seconds: 60)
    let coreTagged = try MMUSH.run(
      ["--json", "--core", core, "-c", "walk el1 \(Self.hex(taggedVA))"], seconds: 60)
    let tcr = { (v: String) in UInt64(v.dropFirst(2), radix: 16) ?? 0 }
    let liveTBI1 = tcr(liveRegs[2]) >> 38 & 1 == 1
    #expect(tcr(coreRegs[2]) >> 38 & 1 == 1)
    let kernelPA = try #require(try monitor.gva2gpa(kernelVA))
    #expect(Self.walkPAs(liveTagged) == [liveTBI1 ? kernelPA : nil])
    #expect(try monitor.gva2gpa(taggedVA) == (liveTBI1 ? kernelPA : nil))
    #expect(Self.walkPAs(coreTagged) == [kernelPA])
    print("a tagged kernel VA: live TBI1 \(liveTBI1 ? 1 : 0), the core's 1")

    // The stub is back in virtual-address mode: a kernel VA reads what its PA holds.
    let word = try monitor.physical(kernelPA, count: 1)
    let t = try LiveTarget(host: "127.0.0.1", port: qemu.port, timeout: 10)
    let bytes = try t.connection.request("m\(String(kernelVA, radix: 16)),8")
    try t.detach(resume: false)
    #expect(UInt64(String(decoding: bytes, as: UTF8.self), radix: 16)?.byteSwapped == word.first)
    print("the whole comparison: \(elapsed(clock))")
  }
}
