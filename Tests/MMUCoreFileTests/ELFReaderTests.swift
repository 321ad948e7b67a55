import Foundation
import MMUCoreFile
import Testing

/// The ELF64 core reader over hand-built files: every header and note path, and each
/// malformed input as the typed error that names it.
@Suite("ELF core reader")
struct ELFReaderTests {
  func read(_ b: ELFBuilder) throws(CoreFileError) -> ELFCore {
    try ELFCore.read(ArrayByteSource(b.build()))
  }

  func read(_ bytes: [UInt8]) throws(CoreFileError) -> ELFCore {
    try ELFCore.read(ArrayByteSource(bytes))
  }

  func error(_ bytes: [UInt8]) -> CoreFileError? {
    do {
      _ = try read(bytes)
      return nil
    } catch { return error }
  }

  static func sample() -> ELFBuilder {
    var b = ELFBuilder()
    b.notes =
      ELFBuilder.vmcoreinfo(ELFBuilder.linuxInfo)
      + ELFBuilder.prstatus(pc: 0xffff_8000_8001_0000, pstate: 0x3c5)
      + ELFBuilder.prstatus(pc: 0x1234, pstate: 0x3c9)
    b.loads = [
      .init(address: 0x4000_0000, bytes: [UInt8](repeating: 0x11, count: 0x2000), padding: 3),
      .init(address: 0x8000_0000, bytes: [1, 2, 3], memorySize: 0x3000),
    ]
    b.unphysicalLoads = 1
    return b
  }

  @Test("program headers through e_phoff: PT_LOADs sorted, p_paddr all ones skipped, notes")
  func headers() throws {
    let core = try read(Self.sample())
    #expect(core.loads.map(\.physicalAddress) == [0x4000_0000, 0x8000_0000])
    #expect(core.loads.map(\.memorySize) == [0x2000, 0x3000])
    #expect(core.loads.map(\.fileSize) == [0x2000, 3])
    #expect(core.skippedLoads == 1)
    #expect(core.notes.map(\.name) == ["VMCOREINFO", "CORE", "CORE"])
    #expect(core.notes.map(\.type) == [0, 1, 1])
    // The first segment's data follows 3 bytes of padding after the notes (which end on a
    // 4-byte boundary): an odd offset.
    #expect(core.loads[0].fileOffset % 4 == 3)
  }

  @Test("PN_XNUM: the count comes from section header 0's sh_info")
  func extendedNumbering() throws {
    var b = Self.sample()
    b.extendedNumbering = true
    let core = try read(b)
    #expect(core.loads.count == 2)
    #expect(core.notes.count == 3)
  }

  @Test("PRSTATUS: pc and the EL from PSTATE.M[3:2]")
  func prstatus() throws {
    let core = try read(Self.sample())
    let cpus = try CPUState.all(in: core.notes)
    #expect(cpus.map(\.pc) == [0xffff_8000_8001_0000, 0x1234])
    // 0x3c5 is EL1h (M = 0b0101), 0x3c9 EL2h (M = 0b1001).
    #expect(cpus.map(\.exceptionLevel) == [1, 2])
  }

  @Test("notes: name padding, an empty descriptor, a zero terminator header")
  func notePaths() throws {
    let bytes =
      ELFBuilder.note("ABCD", type: 7, [])  // name of 5 bytes with its NUL: padded to 8
      + ELFBuilder.note("X", type: 9, [1, 2, 3, 4, 5]) + [UInt8](repeating: 0, count: 12)
      + ELFBuilder.note("after", type: 1, [])
    let notes = try ELFCore.parseNotes(bytes, segment: 0, fileOffset: 0)
    #expect(notes.map(\.name) == ["ABCD", "X"])
    #expect(notes[1].descriptor == [1, 2, 3, 4, 5])
  }

  @Test("a note whose descsz runs past its segment is an error")
  func noteTooLong() {
    var n = ELFBuilder.note("VMCOREINFO", type: 0, [0x41])
    n.set32(4, 4096)
    #expect(throws: CoreFileError.self) { try ELFCore.parseNotes(n, segment: 0, fileOffset: 0) }
    var b = Self.sample()
    b.notes = n
    guard case .badNote(let segment, _, let reason)? = error(b.build()) else {
      Issue.record("expected badNote")
      return
    }
    #expect(segment == 0)
    #expect(reason.contains("descsz 4096"))
  }

  @Test("a note header cut short, and namesz of 2^32 - 1")
  func noteHeaderShort() {
    #expect(throws: CoreFileError.self) {
      try ELFCore.parseNotes([1, 0, 0, 0, 0, 0], segment: 0, fileOffset: 0)
    }
    var n = ELFBuilder.note("A", type: 0, [])
    n.set32(0, .max)
    #expect(throws: CoreFileError.self) { try ELFCore.parseNotes(n, segment: 0, fileOffset: 0) }
  }

  @Test("truncated: a header shorter than 64 bytes, program headers past the end")
  func truncated() {
    let full = Self.sample().build()
    guard case .truncated(let what, _, _, _)? = error(Array(full[0..<40])) else {
      Issue.record("expected truncated header")
      return
    }
    #expect(what == "ELF header")
    guard case .truncated(let what2, _, _, _)? = error(Array(full[0..<100])) else {
      Issue.record("expected truncated program headers")
      return
    }
    #expect(what2 == "program headers")
    #expect(error([0x7f, 0x45, 0x4c, 0x46, 2]) != nil)
    #expect(error([]) == .notELF(format: "an empty file"))
  }

  @Test("a file that cannot be opened: the errno, as data")
  func missingFile() {
    #expect(throws: CoreFileError.io(errno: ENOENT)) {
      _ = try FileByteSource(path: "/nonexistent-mmush-core")
    }
  }

  @Test("a PT_LOAD beyond the end of the file")
  func loadPastEnd() {
    var bytes = Self.sample().build()
    // Program header 1 is the first PT_LOAD; p_filesz is at +32.
    bytes.set64(ELFBuilder.programHeaderOffset(1) + 32, 0x10_0000)
    bytes.set64(ELFBuilder.programHeaderOffset(1) + 40, 0x10_0000)
    guard case .badSegment(1, let reason)? = error(bytes) else {
      Issue.record("expected badSegment 1")
      return
    }
    #expect(reason.contains("past the end of the file"))
    // An offset near 2^64: the sum overflows, still the same error.
    var wrap = Self.sample().build()
    wrap.set64(ELFBuilder.programHeaderOffset(1) + 8, .max - 4)
    guard case .badSegment(1, _)? = error(wrap) else {
      Issue.record("expected badSegment for a wrapping offset")
      return
    }
  }

  @Test("absurd segments: p_memsz 2^63, p_filesz above p_memsz, an unaligned p_paddr")
  func absurd() {
    var huge = Self.sample().build()
    huge.set64(ELFBuilder.programHeaderOffset(2) + 40, 1 << 63)
    guard case .badSegment(2, let r1)? = error(huge) else {
      Issue.record("expected badSegment for p_memsz 2^63")
      return
    }
    #expect(r1.contains("2^52"))
    var bigger = Self.sample().build()
    bigger.set64(ELFBuilder.programHeaderOffset(2) + 40, 1)
    guard case .badSegment(2, let r2)? = error(bigger) else {
      Issue.record("expected badSegment for filesz > memsz")
      return
    }
    #expect(r2.contains("larger than p_memsz"))
    var odd = Self.sample().build()
    odd.set64(ELFBuilder.programHeaderOffset(2) + 24, 0x8000_0800)
    guard case .badSegment(2, let r3)? = error(odd) else {
      Issue.record("expected badSegment for an unaligned p_paddr")
      return
    }
    #expect(r3.contains("not 4 KiB aligned"))
  }

  @Test("overlapping PT_LOADs")
  func overlapping() {
    var b = Self.sample()
    b.loads[1].address = 0x4000_1000
    #expect(error(b.build()) == .overlappingSegments(first: 1, second: 2, address: 0x4000_1000))
  }

  @Test("kdump-compressed and flattened input say how to convert them")
  func kdump() {
    #expect(error(Array("KDUMP   ".utf8) + [UInt8](repeating: 0, count: 100)) == .kdumpCompressed)
    #expect(error(Array("makedumpfile".utf8) + [0, 0, 0, 0]) == .kdumpCompressed)
    #expect(error(Array("DISKDUMP".utf8) + [0]) == .kdumpCompressed)
  }

  @Test("not a core: no magic, 32-bit, big-endian, an executable, another machine")
  func unsupported() {
    #expect(error(Array("#!/bin/sh\necho hello\n".utf8)) == .notELF(format: nil))
    for (edit, word) in [
      ({ (b: inout ELFBuilder) in b.fileClass = 1 }, "32-bit"),
      ({ (b: inout ELFBuilder) in b.dataEncoding = 2 }, "big-endian"),
      ({ (b: inout ELFBuilder) in b.type = 2 }, "vmlinux"),
      ({ (b: inout ELFBuilder) in b.machine = 62 }, "machine 62"),
    ] {
      var b = Self.sample()
      edit(&b)
      guard case .unsupportedELF(let what)? = error(b.build()) else {
        Issue.record("expected unsupportedELF for \(word)")
        continue
      }
      #expect(what.contains(word))
    }
  }

  @Test("PN_XNUM with a count beyond the limit, or no section header")
  func extendedLimits() {
    var b = Self.sample()
    b.extendedNumbering = true
    var bytes = b.build()
    let sh = Int(bytes.le64At(40))
    bytes.set32(sh + 44, .max)
    #expect(error(bytes) == .tooLarge(what: "\(UInt32.max) program headers", limit: 1 << 18))
    var none = b.build()
    none.set64(40, 0)
    guard case .unsupportedELF? = error(none) else {
      Issue.record("expected unsupportedELF without section header 0")
      return
    }
  }
}

extension Array where Element == UInt8 {
  func le64At(_ at: Int) -> UInt64 {
    (0..<8).reduce(UInt64(0)) { $0 | UInt64(self[at + $1]) << (8 * UInt64($1)) }
  }
}
