import Foundation
import MMUShell
import MMUTestSupport
import Testing

/// `mmush --core` and `load core` through the real binary: the summary, real walks, the help
/// example, and exit status 2 with the file and what is wrong for every kind of bad file.
@Suite("mmush --core")
struct CoreCLITests {
  @Test("--core FILE -c: the summary, then a walk QEMU answered (0xffff800080f31cd8 -> 0x41131cd8)")
  func realCore() throws {
    let folder = try TemporaryFolder("mmush-core")
    guard let core = try RealCoreTests.decompress("k4-48/core.elf.xz", into: folder) else { return }
    let r = try MMUSH.run(
      ["--core", core, "-c", "walk el1 0xffff800080f31cd8"], directory: folder.path)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("Linux 6.12.118+deb12-rt-arm64, 4K pages, 48-bit kernel VAs"))
    #expect(r.stdout.contains("RAM 0x4000_0000-0x5fff_ffff (512M)"))
    #expect(r.stdout.contains("1 CPU: cpu0 EL1"))
    #expect(r.stdout.contains("walk el1 0xffff_8000_80f3_1cd8 read: pa 0x4113_1cd8"))
    let json = try MMUSH.run(["--json", "--core", core], directory: folder.path)
    #expect(json.status == 0)
    #expect(json.stdout.contains("\"type\":\"core\""))
    #expect(json.stdout.contains("\"ttbr1_el1\":\"0x41eb8000\""))
  }

  @Test("load symbols: walk and dump name the kallsyms symbol at the VA")
  func symbols() throws {
    let folder = try TemporaryFolder("mmush-core")
    guard let core = try RealCoreTests.decompress("k4-48/core.elf.xz", into: folder),
      let symbols = try RealCoreTests.decompress("k4-48/kallsyms.txt.xz", into: folder)
    else { return }
    // A text symbol of the kept kallsyms lines, and 0x10 past it.
    let line = try String(contentsOfFile: symbols, encoding: .utf8).split(separator: "\n")
      .first { $0.contains(" T ") && !$0.contains("[") }!
    let fields = line.split(separator: " ")
    let va = UInt64(fields[0], radix: 16)!
    let script = """
      load symbols "\(symbols)"
      walk el1 \(va)
      walk el1 \(va + 0x10)
      dump el1 0x\(String(va & ~0xfff, radix: 16)) size 4k
      """
    let r = try MMUSH.run(["--core", core, "-c", script], directory: folder.path)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("<\(fields[2])> read: pa"))
    #expect(r.stdout.contains("<\(fields[2])+0x10> read: pa"))
    #expect(r.stdout.contains("symbols \(symbols):"))
  }

  @Test("help load's example runs on a core named vmcore")
  func helpExample() throws {
    let folder = try TemporaryFolder("mmush-core")
    guard let core = try RealCoreTests.decompress("k4-48/core.elf.xz", into: folder) else { return }
    try FileManager.default.moveItem(atPath: core, toPath: folder.path + "/vmcore")
    let example = try #require(REPLHelp.topic(named: "load")?.examples.first)
    let r = try MMUSH.run(["-c", example], directory: folder.path)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("6.12.118+deb12-rt-arm64"))
    #expect(r.stdout.contains("walk el1 0xffff_8000_8001_0000 read: pa 0x4021_0000"))
  }

  /// Each bad file: exit 2, the file's name and the words that say what is wrong.
  @Test("bad files: exit 2 with the file and what is wrong")
  func badFiles() throws {
    let folder = try TemporaryFolder("mmush-core")
    var good = ELFBuilder()
    good.notes = ELFBuilder.vmcoreinfo(ELFBuilder.linuxInfo)
    good.loads = [.init(address: 0x4000_0000, bytes: [UInt8](repeating: 1, count: 4096))]
    var pastEnd = good.build()
    pastEnd.set64(ELFBuilder.programHeaderOffset(1) + 32, 1 << 20)
    pastEnd.set64(ELFBuilder.programHeaderOffset(1) + 40, 1 << 20)
    var huge = good.build()
    huge.set64(ELFBuilder.programHeaderOffset(1) + 40, 1 << 63)
    var badNote = good.build()
    badNote.set32(good.build().count - 4096 - good.notes.count + 4, 1 << 20)
    var t1sz = good
    t1sz.notes = ELFBuilder.vmcoreinfo(
      ELFBuilder.linuxInfo.filter { !$0.hasPrefix("NUMBER(TCR") } + ["NUMBER(TCR_EL1_T1SZ)=99"])
    var below = good
    below.notes = ELFBuilder.vmcoreinfo(
      ELFBuilder.linuxInfo.filter { !$0.hasPrefix("SYMBOL(swapper") } + [
        "SYMBOL(swapper_pg_dir)=1000"
      ])
    let fifo = folder.path + "/fifo"
    #expect(mkfifo(fifo, 0o600) == 0)
    let cases: [(String, String)] = [
      (folder.write("short", Array(good.build()[0..<40])), "truncated: the ELF header"),
      (folder.write("pastend", pastEnd), "runs past the end of the file"),
      (folder.write("huge", huge), "passes 2^52"),
      (folder.write("note", badNote), "bad note"),
      (folder.write("t1sz", t1sz.build()), "impossible NUMBER(TCR_EL1_T1SZ)=99"),
      (folder.write("below", below.build()), "below NUMBER(kimage_voffset)"),
      (
        folder.write("kdump", Array("KDUMP   ".utf8) + [UInt8](repeating: 0, count: 64)),
        "makedumpfile -E"
      ),
      (folder.write("text", Array("hello\n".utf8)), "not an ELF core"),
      (folder.path, "a directory"),
      (fifo, "a FIFO"),
      // open(2) fails: the C library's words for ENOENT.
      (folder.path + "/missing", String(cString: strerror(ENOENT))),
    ]
    for (path, words) in cases {
      for arguments in [["--core", path], ["-c", "load core \"\(path)\""]] {
        let r = try MMUSH.run(arguments, directory: folder.path)
        #expect(r.status == 2, "\(path): status \(r.status)")
        #expect(r.stderr.contains(path + ":"), "\(path): \(r.stderr)")
        #expect(r.stderr.contains(words), "\(path): \(r.stderr)")
      }
    }
    // The good file loads (so each bad one fails for its own reason).
    let ok = try MMUSH.run(
      ["--core", folder.write("good", good.build()), "-c", "print vmcoreinfo(\"PAGESIZE\")"],
      directory: folder.path)
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdout.contains("0x1000"))
  }

  @Test("vmcoreinfo() without a core, and with an unknown key, are clear errors")
  func vmcoreinfoErrors() throws {
    let folder = try TemporaryFolder("mmush-core")
    var b = ELFBuilder()
    b.notes = ELFBuilder.vmcoreinfo(ELFBuilder.linuxInfo)
    b.loads = [.init(address: 0x4000_0000, bytes: [1])]
    let none = try MMUSH.run(["-c", "print vmcoreinfo(\"OSRELEASE\")"], directory: folder.path)
    #expect(none.status == 2)
    #expect(none.stderr.contains("no core with a VMCOREINFO note is loaded"))
    let unknown = try MMUSH.run(
      ["--core", folder.write("c", b.build()), "-c", "print vmcoreinfo(\"OSRELEAS\")"],
      directory: folder.path)
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("VMCOREINFO has no key 'OSRELEAS'"))
    #expect(unknown.stderr.contains("did you mean 'OSRELEASE'?"))
    let twice = try MMUSH.run(
      ["--core", folder.path + "/c", "-c", "load core \"c\""], directory: folder.path)
    #expect(twice.status == 2)
    #expect(twice.stderr.contains("a core is already loaded"))
    // After `reset` the same core loads again.
    let again = try MMUSH.run(
      [
        "--core", folder.path + "/c", "-c",
        "reset\nload core \"c\"\nprint vmcoreinfo(\"PAGESIZE\")",
      ],
      directory: folder.path)
    #expect(again.status == 0, "\(again.stderr)")
  }
}
