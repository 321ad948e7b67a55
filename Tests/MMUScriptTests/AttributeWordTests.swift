import MMU
import MMUScript
import MMUSyntax
import Testing

/// The meaning of attribute words, checked on the descriptor bits they write (Arm ARM stage-1
/// page descriptor: AP[2:1] bits [7:6], PXN bit 53, UXN bit 54).
@Suite("Attribute words")
struct AttributeWordTests {
  /// The level-3 descriptor `map u 0x40_0000 … ATTRS` writes.
  func descriptor(_ attrs: String) throws -> UInt64 {
    let h = Harness()
    let d = h.run(
      "space u ttbr0\nmap u 0x40_0000 -> 0x8000_0000 size 4k \(attrs)\nprint desc(u, 0x40_0000, 3)")
    #expect(d == nil, "\(attrs): \(d?.message ?? "")")
    let text = try #require(h.printed.last).filter { $0 != "_" }
    return try #require(UInt64(text.dropFirst(2), radix: 16))
  }

  static func ap(_ d: UInt64) -> UInt64 { (d >> 6) & 3 }
  static func pxn(_ d: UInt64) -> Bool { d & (1 << 53) != 0 }
  static func uxn(_ d: UInt64) -> Bool { d & (1 << 54) != 0 }

  /// `user x` is Linux's user text, PAGE_READONLY_EXEC (arch/arm64/include/asm/pgtable-prot.h:
  /// PTE_USER | PTE_RDONLY | PTE_PXN): AP[2:1]=0b11 (read-only at EL1 and EL0), UXN=0, PXN=1.
  @Test func userTextIsReadOnlyExec() throws {
    let d = try descriptor("user x")
    #expect(Self.ap(d) == 0b11 && !Self.uxn(d) && Self.pxn(d))
  }

  /// With `rw` it is PAGE_SHARED_EXEC: AP[2:1]=0b01 (read-write at EL1 and EL0), UXN=0, PXN=1.
  @Test func userWritableExec() throws {
    for attrs in ["user rw x", "user rwx", "rw x user"] {
      let d = try descriptor(attrs)
      #expect(Self.ap(d) == 0b01 && !Self.uxn(d) && Self.pxn(d), "\(attrs)")
    }
  }

  /// `x` alone is privileged execution: PXN=0, UXN=1, and the default read-write stays.
  @Test func privilegedExec() throws {
    let d = try descriptor("x")
    #expect(Self.ap(d) == 0b00 && Self.uxn(d) && !Self.pxn(d))
  }

  /// Words that agree are accepted, repeated or refined.
  @Test(arguments: ["device ngnrne", "user x pxn", "rw rw", "nx pxn uxn", "sh inner sh inner"])
  func agreeingWords(_ attrs: String) throws {
    _ = try descriptor(attrs)
  }

  /// `contig` forms real groups (Arm ARM contiguous-bit rules: 16 entries at 4K levels 1-3,
  /// 128 at 16K level 3 and 32 at level 2, 32 at 64K levels 2 and 3, aligned in VA and PA)
  /// and refuses anything else.
  @Test(arguments: [
    ("4k", "0x4000_0000 -> 0x8000_0000 size 64k pages", true),
    ("4k", "0x4000_0000 -> 0x8000_0000 size 32M", true),  // 16 x 2M at level 2
    ("4k", "0x4000_0000 -> 0x8000_0000 size 8k pages", false),  // half a group
    ("4k", "0x4000_0000 -> 0x8000_0000 size 2M", false),  // one 2M block
    ("4k", "0x4000_1000 -> 0x8000_1000 size 64k pages", false),  // VA misaligned
    ("4k", "0x4000_0000 -> 0x8000_1000 size 64k pages", false),  // PA misaligned
    ("16k", "0x4000_0000 -> 0x8000_0000 size 2M pages", true),  // 128 x 16K
    ("16k", "0x4000_0000 -> 0x8000_0000 size 1M pages", false),
    ("64k", "0x4000_0000 -> 0x8000_0000 size 2M pages", true),  // 32 x 64K
    ("64k", "0x4000_0000 -> 0x8000_0000 size 1M pages", false),
  ])
  func contiguousGroups(granule: String, map: String, accepted: Bool) {
    let h = Harness()
    let d = h.run("space k ttbr0 granule \(granule) va_bits 48\nmap k \(map) contig")
    if accepted {
      #expect(d == nil, "\(granule) \(map): \(d?.message ?? "")")
    } else {
      #expect(
        d?.message.hasPrefix("contig:") == true, "\(granule) \(map): \(d?.message ?? "accepted")")
    }
  }
}
