import Foundation
import MMU
import MMULive
import MMUTestSupport
import Testing

/// A Debian arm64 kernel booted in QEMU: a live `dump el1` over the gdbstub must list what
/// the same dump lists offline, from a copy of the halted machine's RAM (the monitor's
/// `pmemsave`, loaded with `mem load`) and the registers the stub reported.
///
/// The kernel and its initramfs are too big to commit: the test runs where
/// MMUSH_LINUX_DATA names a folder holding `vmlinuz` and `initramfs.cpio.gz` (docs/live.md
/// says how to make them) and is skipped, with that reason, elsewhere.
@Suite("Live: QEMU Linux guest", .serialized)
struct LiveLinuxTests {
  static let data = ProcessInfo.processInfo.environment["MMUSH_LINUX_DATA"]
  static var available: Bool {
    guard let data, QEMUMachine.qemu != nil else { return false }
    return FileManager.default.fileExists(atPath: data + "/vmlinuz")
      && FileManager.default.fileExists(atPath: data + "/initramfs.cpio.gz")
  }

  /// A dump's rows without their source locations.
  static func rows(_ r: MMUSH.Result) -> [String] {
    r.objects.filter { $0["type"] as? String == "dump_row" }.map { o in
      var o = o
      o["location"] = nil
      let data = try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
      return String(decoding: data ?? Data(), as: UTF8.self)
    }
  }

  @Test(
    .enabled(
      if: available,
      "set MMUSH_LINUX_DATA to a folder with vmlinuz and initramfs.cpio.gz (docs/live.md), with qemu-system-aarch64 installed"
    ),
    .timeLimit(.minutes(6)))
  func liveDumpMatchesTheSameMachinesMemory() throws {
    let data = Self.data!
    let qemu = try QEMUMachine(
      qemu: QEMUMachine.qemu!,
      arguments: [
        "-M", "virt", "-cpu", "cortex-a57", "-m", "1G", "-kernel", data + "/vmlinuz", "-initrd",
        data + "/initramfs.cpio.gz", "-append", "console=ttyAMA0 nokaslr",
      ],
      seconds: 300, serialLog: true)
    defer { qemu.kill() }
    let monitor = try qemu.waitForMonitor(seconds: 30)
    // Boot until the initramfs's /init prints its marker (or the kernel is far enough).
    let deadline = Date().addingTimeInterval(240)
    while Date() < deadline {
      if let log = try? String(contentsOfFile: qemu.serialPath, encoding: .utf8),
        log.contains("MMUSH-READY") || log.contains("Run /init")
      {
        break
      }
      sleep(1)
    }
    _ = try monitor.command("stop")

    // The registers, as the stub reports them.
    let t = try LiveTarget(host: "127.0.0.1", port: qemu.port, timeout: 10)
    let regs = t.cpus[0].registers
    try t.detach(resume: false)

    let start = Date()
    let live = try MMUSH.run(
      ["--json", "--attach", "127.0.0.1:\(qemu.port)"], script: "dump el1\ndetach halt",
      seconds: 120)
    let seconds = Date().timeIntervalSince(start)
    #expect(live.status == 0, "\(live.stderr)")
    print("live dump el1 of the Linux guest: \(String(format: "%.2f", seconds)) s (process)")

    let ram = qemu.directory + "/ram.bin"
    // Quoted: HMP would read an unquoted path's `/` as a division in the size.
    _ = try monitor.command("pmemsave 0x40000000 0x40000000 \"\(ram)\"", seconds: 120)
    var script = ["mem load 0x40000000 \"\(ram)\""]
    let names: [(SystemRegister, String)] = [
      (.id_aa64mmfr0_el1, "id_aa64mmfr0_el1"), (.id_aa64mmfr1_el1, "id_aa64mmfr1_el1"),
      (.id_aa64mmfr2_el1, "id_aa64mmfr2_el1"), (.tcr_el1, "tcr_el1"), (.mair_el1, "mair_el1"),
      (.ttbr0_el1, "ttbr0_el1"), (.ttbr1_el1, "ttbr1_el1"), (.sctlr_el1, "sctlr_el1"),
    ]
    for (reg, name) in names {
      script.append("set \(name) = 0x\(String(regs[reg] ?? 0, radix: 16))")
    }
    script.append("dump el1")
    let offline = try MMUSH.run(
      ["--json"], script: script.joined(separator: "\n"),
      seconds: 120)
    #expect(offline.status == 0, "\(offline.stderr)")
    if offline.status != 0 {
      print(offline.stdout.split(separator: "\n").filter { $0.contains("diagnostic") })
    }

    let liveRows = Self.rows(live)
    let offlineRows = Self.rows(offline)
    // A Linux kernel maps its image, the linear map, vmemmap, fixmap…: many rows.
    #expect(liveRows.count > 20)
    #expect(liveRows == offlineRows)
  }
}
