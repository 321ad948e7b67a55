// Real-size inputs: a 4 GiB core loaded, a real kernel's tables dumped as the kernel's own
// ptdump, and a 64 GiB linear map of 4K pages walked page by page.

import MMU
import MMUScript
import MMUShell
import MMUSyntax

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

let realSizeScenarios: [Scenario] = [
  Scenario(
    name: "core-load-4g",
    summary: "`load core` of a 4 GiB sparse ELF core (one PT_LOAD at offset 0x1248, VMCOREINFO)",
    run: coreLoad4G),
  Scenario(
    name: "ptdump-linux",
    summary: "`dump el1 format linux` of a real 6.12 kernel's tables (Tests/Fixtures/ptdump/k4-48)",
    run: ptdumpLinux),
  Scenario(
    name: "linear-map-64g", summary: "64 GiB linear map of 4K pages, every page walked once",
    run: linearMap64G),
]

/// A temporary folder under /tmp (named by the process and a label), removed with its files
/// by `remove()`.
struct ScratchFolder {
  let path: String
  init(_ label: String) {
    path = "/tmp/mmush-bench-\(getpid())-\(label)"
    check(mkdir(path, 0o700) == 0, "cannot create \(path)")
  }
  func remove() { blackHole(system("rm -rf '\(path)'")) }
}

/// Little-endian bytes of an integer.
func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
  withUnsafeBytes(of: v.littleEndian) { Array($0) }
}

/// An ELF64 AArch64 core as QEMU's dump-guest-memory lays it out: the header, a PT_NOTE with
/// a VMCOREINFO note, and one PT_LOAD of `size` bytes of RAM at PA 0x4000_0000 from file
/// offset 0x1248 (not page-aligned, as QEMU's). The RAM is a hole: the file is sparse.
func writeSparseCore(_ path: String, size: UInt64) {
  let info = """
    OSRELEASE=6.12.0
    PAGESIZE=4096
    SYMBOL(swapper_pg_dir)=ffff800081000000
    NUMBER(kimage_voffset)=0xffff800040000000
    NUMBER(VA_BITS)=48
    NUMBER(TCR_EL1_T1SZ)=16

    """
  var desc = Array(info.utf8)
  while desc.count % 4 != 0 { desc.append(0) }
  var note: [UInt8] = le(UInt32(11)) + le(UInt32(desc.count)) + le(UInt32(0))
  note += Array("VMCOREINFO".utf8) + [0, 0]  // name and NUL, padded to 4
  note += desc
  let noteOffset: UInt64 = 64 + 2 * 56
  let ramOffset: UInt64 = 0x1248
  check(noteOffset + UInt64(note.count) <= ramOffset, "the note overlaps the RAM")
  var h: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8)
  h += le(UInt16(4)) + le(UInt16(183)) + le(UInt32(1))  // ET_CORE, EM_AARCH64, EV_CURRENT
  h += le(UInt64(0)) + le(UInt64(64)) + le(UInt64(0))  // e_entry, e_phoff, e_shoff
  h += le(UInt32(0)) + le(UInt16(64)) + le(UInt16(56)) + le(UInt16(2))
  h += le(UInt16(64)) + le(UInt16(0)) + le(UInt16(0))
  func phdr(_ type: UInt32, _ offset: UInt64, _ pa: UInt64, _ filesz: UInt64) -> [UInt8] {
    le(type) + le(UInt32(type == 1 ? 7 : 0)) + le(offset) + le(pa) + le(pa) + le(filesz)
      + le(filesz) + le(UInt64(type == 1 ? 0 : 1))
  }
  h += phdr(4, noteOffset, 0, UInt64(note.count))
  h += phdr(1, ramOffset, 0x4000_0000, size)
  h += note
  let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
  check(fd >= 0, "cannot create \(path)")
  let written = h.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
  check(written == h.count, "short write to \(path)")
  check(ftruncate(fd, off_t(ramOffset + size)) == 0, "ftruncate \(path)")
  close(fd)
}

/// `load core` of a 4 GiB core on a fresh interpreter each batch: headers, notes, the
/// registers from VMCOREINFO, and the RAM mapped from the file (never read).
func coreLoad4G(_ config: RunConfig) -> Measurement {
  let size: UInt64 = config.small ? 64 * Size.m : 4 * Size.g
  let folder = ScratchFolder("core")
  defer { folder.remove() }
  let path = folder.path + "/core.elf"
  writeSparseCore(path, size: size)
  let loadText = "load core \"\(path)\""
  let load = SourceFile(name: "load", text: loadText)
  var it = Interpreter(options: interpreterOptions(), sink: DiscardSink())
  // Once: the core loads, TTBR1_EL1 = swapper_pg_dir - kimage_voffset, the RAM reads zero.
  runScript(it, "load", loadText)
  check(it.machine.cpu.registers[.ttbr1_el1] == 0x4100_0000, "TTBR1_EL1 not from VMCOREINFO")
  check(it.machine.memory.read64(0x4000_0000 + size - 8) == 0, "the last RAM word is not 0")
  let t = measure(
    config, scale: 1e-6,
    prepare: { it = Interpreter(options: interpreterOptions(), sink: DiscardSink()) },
    body: {
      do { try it.run(load) } catch { check(false, "core-load-4g: \(error)") }
      return 1
    })
  var m = Measurement(
    name: "core-load-4g", per: "load", unit: "ms", opsPerBatch: 1, samples: t.cpu,
    wallSamples: t.wall)
  m.target = 50
  m.targetText = "<= 50 ms"
  m.notes = [("core", "\(size >> 20) MiB of RAM, sparse file")]
  return m
}

/// The fixture folder of a real kernel's core and ptdump text (beside this source file).
let ptdumpFixtures: String = {
  var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
  parts.removeLast(3)
  return parts.joined(separator: "/") + "/Tests/Fixtures/ptdump/k4-48"
}()

/// The kernel's own 6.12 tables (4K, 48-bit) from the committed fixture, with its System.map
/// (so the markers are the kernel's), rendered as text to a discarding output. Checked once
/// against the kernel's own text.
func ptdumpLinux(_ config: RunConfig) -> Measurement {
  let folder = ScratchFolder("ptdump")
  defer { folder.remove() }
  let core = folder.path + "/core.elf"
  let map = folder.path + "/System.map"
  check(
    system("xz -dc '\(ptdumpFixtures)/core.elf.xz' > '\(core)'") == 0
      && system("xz -dc '\(ptdumpFixtures)/System.map.xz' > '\(map)'") == 0,
    "ptdump-linux needs xz and \(ptdumpFixtures)")
  let setup = "load core \"\(core)\"\nload symbols \"\(map)\"\n"
  let dump = SourceFile(name: "dump", text: "dump el1 format linux")
  // Once into a string: the kernel's kernel_page_tables text, byte for byte.
  let probe = StringOutput()
  let once = Runner(options: runnerOptions(), output: probe, errors: probe)
  check(once.run(SourceFile(name: "setup", text: setup)), "ptdump-linux: load failed")
  let start = probe.text.count
  check(once.run(dump), "ptdump-linux: dump failed")
  let text = String(probe.text.dropFirst(start))
  let fd = open(ptdumpFixtures + "/ptdump.txt", O_RDONLY)
  check(fd >= 0, "no ptdump.txt")
  var expected: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n <= 0 { break }
    expected += buffer[0..<n]
  }
  close(fd)
  check(text == String(decoding: expected, as: UTF8.self), "ptdump-linux: not the kernel's text")
  let rows = text.split(separator: "\n").count
  let runner = Runner(options: runnerOptions(), output: NullOutput(), errors: NullOutput())
  check(runner.run(SourceFile(name: "setup", text: setup)), "ptdump-linux: load failed")
  let t = measure(
    config, scale: 1e-6,
    body: {
      check(runner.run(dump), "ptdump-linux: dump failed")
      return 1
    })
  var m = Measurement(
    name: "ptdump-linux", per: "dump", unit: "ms", opsPerBatch: 1, samples: t.cpu,
    wallSamples: t.wall)
  m.target = 20
  m.targetText = "<= 20 ms"
  m.notes = [("lines", "\(rows), equal to the kernel's ptdump.txt")]
  return m
}

/// A 64 GiB linear map of 4K pages (16,777,216 PTEs, 32,768 L3 tables), then every page walked
/// once in address order with no TLB: the rate a full scan of a linear map reaches.
func linearMap64G(_ config: RunConfig) -> Measurement {
  let size: UInt64 = config.small ? 256 * Size.m : 64 * Size.g
  let va: UInt64 = 0x4000_0000_0000
  let pa: UInt64 = 0x40_0000_0000
  let f = Stage1Fixture()
  let t0 = Clock.cpu()
  let r = f.map(va: va, pa: pa, size: size, policy: .pages)
  let mapSeconds = Double(Clock.cpu() &- t0) / 1e9
  let pages = Int(size >> 12)
  check(r.entriesWritten == pages, "\(r.entriesWritten) entries for \(pages) pages")
  let c = f.machine.cpu
  let context = Stage1Fixture.context
  for i in [0, pages / 2, pages - 1] {
    let a = va &+ UInt64(i) << 12
    let w = f.machine.access(cpu: c, context: context, address: a, access: .read, useTLB: false)
    check(w.outcome.translation?.pa == pa &+ UInt64(i) << 12, "page \(i) does not translate")
  }
  var cfg = config
  cfg.batches = min(config.batches, 3)
  let count = config.ops.map { min($0, pages) } ?? pages
  let t = measure(
    cfg,
    body: {
      var sum: UInt64 = 0
      var a = va
      for _ in 0..<count {
        let w = f.machine.access(cpu: c, context: context, address: a, access: .read, useTLB: false)
        if case .translated(let x) = w.outcome { sum &+= x.pa }
        a &+= 4096
      }
      blackHole(sum)
      return count
    })
  var m = Measurement(
    name: "linear-map-64g", per: "walk", unit: "ns", opsPerBatch: count, samples: t.cpu,
    wallSamples: t.wall)
  m.notes = [
    ("rate", fmt(1e3 / m.median) + " M pages/s"),
    ("map", fmt(mapSeconds) + " s for \(pages) pages"),
  ]
  return m
}
