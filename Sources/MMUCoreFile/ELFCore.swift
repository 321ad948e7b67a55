/// A PT_LOAD that holds physical memory: `memorySize` bytes at `physicalAddress`, the first
/// `fileSize` of them at `fileOffset` in the file, the rest zero.
public struct LoadSegment: Equatable, Sendable {
  /// The program header's index in the file.
  public var index: Int
  public var physicalAddress: UInt64
  public var fileOffset: UInt64
  public var fileSize: UInt64
  public var memorySize: UInt64
}

/// One ELF note: its name without the terminating NUL, its type and its descriptor bytes.
public struct ELFNote: Equatable, Sendable {
  public var name: String
  public var type: UInt32
  public var descriptor: [UInt8]
}

/// The parts of an ELF64 core mmush uses: where physical memory lies in the file, and the
/// notes. Everything read from the file is checked: sizes and offsets with overflow-checked
/// arithmetic against the file's size, before anything is allocated for them.
public struct ELFCore: Equatable, Sendable {
  /// The memory segments, sorted by physical address, none overlapping.
  public var loads: [LoadSegment]
  /// PT_LOADs with no physical address (p_paddr all ones: /proc/kcore's vmalloc and module
  /// ranges) or no memory, which are left out.
  public var skippedLoads: Int
  public var notes: [ELFNote]

  static let elfHeaderSize = 64
  static let programHeaderSize = 56
  static let sectionHeaderSize = 64
  /// Program headers the reader accepts (PN_XNUM can claim 2^32).
  public static let maxProgramHeaders = 1 << 18
  /// Note bytes the reader accepts in all: a VMCOREINFO is a few KiB, a PRSTATUS 392 bytes
  /// a CPU.
  public static let maxNoteBytes: UInt64 = 16 << 20
  static let ptLoad: UInt32 = 1
  static let ptNote: UInt32 = 4
  static let etCore: UInt16 = 4
  static let emAArch64: UInt16 = 183
  static let pnXNum = 0xffff

  /// Reads and checks the ELF header, program headers and notes of `source`.
  public static func read(_ source: some ByteSource) throws(CoreFileError) -> ELFCore {
    guard source.size >= 8 else {
      if source.size >= 4, try source.bytes(at: 0, count: 4, what: "") == [0x7f, 0x45, 0x4c, 0x46] {
        throw .truncated(
          what: "ELF header", offset: 0, needed: UInt64(elfHeaderSize), fileSize: source.size)
      }
      throw .notELF(format: source.size == 0 ? "an empty file" : nil)
    }
    let magic = try source.bytes(at: 0, count: 8, what: "file signature")
    if magic == Array("KDUMP   ".utf8) || magic == Array("DISKDUMP".utf8) {
      throw .kdumpCompressed
    }
    if source.size >= 12, try source.bytes(at: 0, count: 12, what: "") == Array("makedumpfile".utf8)
    {
      throw .kdumpCompressed
    }
    guard magic[0..<4] == [0x7f, 0x45, 0x4c, 0x46] else { throw .notELF(format: nil) }
    let h = try source.bytes(at: 0, count: elfHeaderSize, what: "ELF header")
    guard h[4] == 2 else { throw .unsupportedELF("32-bit ELF (EI_CLASS \(h[4])); cores are ELF64") }
    guard h[5] == 1 else { throw .unsupportedELF("big-endian ELF (EI_DATA \(h[5]))") }
    let type = h.le16(16)
    guard type == etCore else {
      let what = type == 2 ? " (an executable: vmlinux is not a core)" : ""
      throw .unsupportedELF("ELF type \(type)\(what), not a core (ET_CORE 4)")
    }
    let machine = h.le16(18)
    guard machine == emAArch64 else {
      throw .unsupportedELF("machine \(machine), not AArch64 (183)")
    }
    let phoff = h.le64(32)
    let shoff = h.le64(40)
    let phentsize = Int(h.le16(54))
    var phnum = Int(h.le16(56))
    let shentsize = Int(h.le16(58))
    guard phentsize == programHeaderSize || phnum == 0 else {
      throw .unsupportedELF("program header size \(phentsize), not 56")
    }
    if phnum == pnXNum {
      // PN_XNUM: the real count is section header 0's sh_info.
      guard shoff != 0, shentsize == sectionHeaderSize else {
        throw .unsupportedELF(
          "e_phnum is PN_XNUM but there is no section header 0 to hold the count")
      }
      let s = try source.bytes(at: shoff, count: sectionHeaderSize, what: "section header 0")
      phnum = Int(s.le32(44))
    }
    guard phnum <= maxProgramHeaders else {
      throw .tooLarge(what: "\(phnum) program headers", limit: UInt64(maxProgramHeaders))
    }
    guard phnum > 0 else { throw .unsupportedELF("no program headers") }
    let table = try source.bytes(
      at: phoff, count: phnum * programHeaderSize, what: "program headers")
    var loads: [LoadSegment] = []
    var skipped = 0
    var noteSegments: [(index: Int, offset: UInt64, size: UInt64)] = []
    var noteBytes: UInt64 = 0
    for i in 0..<phnum {
      let base = i * programHeaderSize
      let pType = table.le32(base)
      let offset = table.le64(base + 8)
      let paddr = table.le64(base + 24)
      let filesz = table.le64(base + 32)
      let memsz = table.le64(base + 40)
      switch pType {
      case ptLoad:
        if paddr == .max || memsz == 0 {
          skipped += 1
          continue
        }
        loads.append(
          try checkLoad(
            LoadSegment(
              index: i, physicalAddress: paddr, fileOffset: offset, fileSize: filesz,
              memorySize: memsz), fileSize: source.size))
      case ptNote:
        let (end, o) = offset.addingReportingOverflow(filesz)
        guard !o, end <= source.size else {
          throw .badSegment(
            index: i,
            reason:
              "PT_NOTE at offset \(hex(offset)) size \(hex(filesz)) runs past the end of the file (\(hex(source.size)) bytes)"
          )
        }
        noteBytes += filesz
        guard noteBytes <= maxNoteBytes else {
          throw .tooLarge(what: "notes", limit: maxNoteBytes)
        }
        noteSegments.append((i, offset, filesz))
      default: continue
      }
    }
    loads.sort { $0.physicalAddress < $1.physicalAddress }
    for (a, b) in zip(loads, loads.dropFirst())
    where b.physicalAddress < a.physicalAddress + a.memorySize {
      throw .overlappingSegments(first: a.index, second: b.index, address: b.physicalAddress)
    }
    var notes: [ELFNote] = []
    for s in noteSegments {
      let bytes = try source.bytes(at: s.offset, count: Int(s.size), what: "notes")
      notes += try parseNotes(bytes, segment: s.index, fileOffset: s.offset)
    }
    return ELFCore(loads: loads, skippedLoads: skipped, notes: notes)
  }

  static func checkLoad(_ l: LoadSegment, fileSize: UInt64) throws(CoreFileError) -> LoadSegment {
    let i = l.index
    guard l.fileSize <= l.memorySize else {
      throw .badSegment(
        index: i,
        reason: "p_filesz \(hex(l.fileSize)) is larger than p_memsz \(hex(l.memorySize))")
    }
    let (end, o) = l.physicalAddress.addingReportingOverflow(l.memorySize)
    guard !o, end <= 1 << 52 else {
      throw .badSegment(
        index: i,
        reason: "PA \(hex(l.physicalAddress)) + p_memsz \(hex(l.memorySize)) passes 2^52")
    }
    guard l.physicalAddress & 0xfff == 0 else {
      throw .badSegment(
        index: i, reason: "p_paddr \(hex(l.physicalAddress)) is not 4 KiB aligned")
    }
    let (fileEnd, fo) = l.fileOffset.addingReportingOverflow(l.fileSize)
    guard !fo, fileEnd <= fileSize else {
      throw .badSegment(
        index: i,
        reason:
          "PT_LOAD at offset \(hex(l.fileOffset)) size \(hex(l.fileSize)) runs past the end of the file (\(hex(fileSize)) bytes)"
      )
    }
    return l
  }

  /// The notes of one PT_NOTE segment: namesz, descsz, type, then the name and descriptor
  /// each padded to 4 bytes. A zero header (all three fields 0) or zero padding ends it.
  public static func parseNotes(_ bytes: [UInt8], segment: Int, fileOffset: UInt64)
    throws(CoreFileError) -> [ELFNote]
  {
    var notes: [ELFNote] = []
    var at = 0
    let n = bytes.count
    while at < n {
      guard n - at >= 12 else {
        if bytes[at...].allSatisfy({ $0 == 0 }) { break }
        throw .badNote(
          segment: segment, offset: fileOffset + UInt64(at),
          reason: "\(n - at) bytes left, fewer than a note header (12)")
      }
      let namesz = UInt64(bytes.le32(at))
      let descsz = UInt64(bytes.le32(at + 4))
      let type = bytes.le32(at + 8)
      if namesz == 0 && descsz == 0 && type == 0 { break }
      let nameStart = UInt64(at + 12)
      let descStart = nameStart + ((namesz + 3) & ~3)
      let end = descStart + ((descsz + 3) & ~3)
      // namesz and descsz are below 2^32, so these sums cannot overflow 64 bits.
      guard descStart + descsz <= UInt64(n) else {
        throw .badNote(
          segment: segment, offset: fileOffset + UInt64(at),
          reason: "namesz \(namesz) and descsz \(descsz) run past the segment's \(n) bytes")
      }
      var nameBytes = bytes[Int(nameStart)..<Int(nameStart + namesz)]
      while nameBytes.last == 0 { nameBytes = nameBytes.dropLast() }
      let name = String(decoding: nameBytes, as: UTF8.self)
      notes.append(
        ELFNote(
          name: name, type: type,
          descriptor: Array(bytes[Int(descStart)..<Int(descStart + descsz)])))
      at = Int(min(end, UInt64(n)))
    }
    return notes
  }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
