import Foundation

/// Builds small ELF64 cores byte by byte, so each header and note path (and each way to get
/// one wrong) can be tested without a real dump. Layout: ELF header, program headers, an
/// optional section header 0 (PN_XNUM), the note segment, then each memory segment's bytes
/// after its own padding.
struct ELFBuilder {
  struct Load {
    var address: UInt64
    var bytes: [UInt8]
    /// p_memsz; nil means the byte count.
    var memorySize: UInt64?
    /// Bytes before this segment's data, to put its file offset anywhere.
    var padding: Int = 0
  }

  var fileClass: UInt8 = 2
  var dataEncoding: UInt8 = 1
  var type: UInt16 = 4
  var machine: UInt16 = 183
  var notes: [UInt8] = []
  var loads: [Load] = []
  /// Extra PT_LOADs with p_paddr all ones (/proc/kcore's vmalloc range).
  var unphysicalLoads = 0
  /// Writes e_phnum = PN_XNUM and the count in section header 0's sh_info.
  var extendedNumbering = false

  static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
  static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
  static func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8((v >> (8 * UInt64($0))) & 0xff) } }

  /// One note: namesz, descsz, type, then the NUL-terminated name and the descriptor, each
  /// padded to 4 bytes.
  static func note(_ name: String, type: UInt32, _ desc: [UInt8]) -> [UInt8] {
    let n = Array(name.utf8) + [0]
    var out = le32(UInt32(n.count)) + le32(UInt32(desc.count)) + le32(type) + n
    out += [UInt8](repeating: 0, count: (4 - n.count % 4) % 4)
    out += desc
    out += [UInt8](repeating: 0, count: (4 - desc.count % 4) % 4)
    return out
  }

  /// A VMCOREINFO note from `KEY=VALUE` lines.
  static func vmcoreinfo(_ lines: [String]) -> [UInt8] {
    note("VMCOREINFO", type: 0, Array(lines.map { $0 + "\n" }.joined().utf8))
  }

  /// An arm64 NT_PRSTATUS note: 392 bytes, pr_reg at 112 (x0-x30, sp, pc, pstate).
  static func prstatus(pc: UInt64, pstate: UInt64) -> [UInt8] {
    var d = [UInt8](repeating: 0, count: 392)
    d.replaceSubrange(112 + 32 * 8..<112 + 33 * 8, with: le64(pc))
    d.replaceSubrange(112 + 33 * 8..<112 + 34 * 8, with: le64(pstate))
    return note("CORE", type: 1, d)
  }

  /// The Linux 6.12 4K 48-bit values of the k4-48 fixture.
  static let linuxInfo = [
    "OSRELEASE=6.12.0-test", "PAGESIZE=4096", "SYMBOL(swapper_pg_dir)=ffff800081cb8000",
    "NUMBER(kimage_voffset)=0xffff80003fe00000", "NUMBER(VA_BITS)=52",
    "NUMBER(TCR_EL1_T1SZ)=0x10", "KERNELOFFSET=0", "NUMBER(PHYS_OFFSET)=0x40000000",
  ]

  var programHeaderCount: Int { (notes.isEmpty ? 0 : 1) + loads.count + unphysicalLoads }
  static func programHeaderOffset(_ i: Int) -> Int { 64 + 56 * i }

  func build() -> [UInt8] {
    let count = programHeaderCount
    var out = [UInt8](repeating: 0, count: 64)
    out.replaceSubrange(0..<8, with: [0x7f, 0x45, 0x4c, 0x46, fileClass, dataEncoding, 1, 0])
    out.replaceSubrange(16..<18, with: Self.le16(type))
    out.replaceSubrange(18..<20, with: Self.le16(machine))
    out.replaceSubrange(20..<24, with: Self.le32(1))
    out.replaceSubrange(32..<40, with: Self.le64(64))
    out.replaceSubrange(52..<54, with: Self.le16(64))
    out.replaceSubrange(54..<56, with: Self.le16(56))
    out.replaceSubrange(56..<58, with: Self.le16(extendedNumbering ? 0xffff : UInt16(count)))
    let headersEnd = 64 + 56 * count
    var cursor = headersEnd + (extendedNumbering ? 64 : 0)
    if extendedNumbering {
      out.replaceSubrange(40..<48, with: Self.le64(UInt64(headersEnd)))
      out.replaceSubrange(58..<60, with: Self.le16(64))
      out.replaceSubrange(60..<62, with: Self.le16(1))
    }
    var headers: [[UInt8]] = []
    var body: [UInt8] = []
    func header(_ type: UInt32, offset: Int, paddr: UInt64, filesz: Int, memsz: UInt64)
      -> [UInt8]
    {
      Self.le32(type) + Self.le32(4) + Self.le64(UInt64(offset)) + Self.le64(0)
        + Self.le64(paddr) + Self.le64(UInt64(filesz)) + Self.le64(memsz) + Self.le64(0)
    }
    if !notes.isEmpty {
      headers.append(
        header(4, offset: cursor, paddr: 0, filesz: notes.count, memsz: UInt64(notes.count)))
      body += notes
      cursor += notes.count
    }
    for l in loads {
      body += [UInt8](repeating: 0xee, count: l.padding)
      cursor += l.padding
      headers.append(
        header(
          1, offset: cursor, paddr: l.address, filesz: l.bytes.count,
          memsz: l.memorySize ?? UInt64(l.bytes.count)))
      body += l.bytes
      cursor += l.bytes.count
    }
    for _ in 0..<unphysicalLoads {
      headers.append(header(1, offset: 0, paddr: .max, filesz: 0, memsz: 1 << 30))
    }
    out += headers.joined()
    if extendedNumbering {
      var sh = [UInt8](repeating: 0, count: 64)
      sh.replaceSubrange(44..<48, with: Self.le32(UInt32(count)))
      out += sh
    }
    return out + body
  }
}

extension Array where Element == UInt8 {
  /// Overwrites a little-endian 64-bit field.
  mutating func set64(_ at: Int, _ v: UInt64) {
    replaceSubrange(at..<at + 8, with: ELFBuilder.le64(v))
  }
  mutating func set32(_ at: Int, _ v: UInt32) {
    replaceSubrange(at..<at + 4, with: ELFBuilder.le32(v))
  }
}
