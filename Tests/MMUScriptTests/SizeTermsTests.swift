import Testing

@testable import MMUScript

/// The one way sizes are written (views, diagnostics, `human()`), each value worked out by
/// hand in units of 1024 (docs/reference.md).
@Suite("Size words")
struct SizeTermsTests {
  @Test("exact units, two terms, approximations")
  func words() {
    let f = ValueFormatter()
    // Below 1K: bytes.
    #expect(f.size(0) == "0")
    #expect(f.size(1023) == "1023")
    // Exact: 4096 = 4 x 2^10; 3 << 30 = 3 x 2^30; 512 x 2^30.
    #expect(f.size(4096) == "4K")
    #expect(f.size(2 << 20) == "2M")
    #expect(f.size(3 << 30) == "3G")
    #expect(f.size(512 << 30) == "512G")
    #expect(f.size(1 << 63) == "8E")
    // Two terms: the rest in the largest unit dividing it, fewer than 1024 of it.
    #expect(f.size(4 << 20 | 16 << 10) == "4M+16K")
    #expect(f.size(1 << 30 | 64 << 10) == "1G+64K")
    #expect(f.size(3 << 29) == "1G+512M")
    #expect(f.size(4097) == "4K+1")
    #expect(f.size(1536) == "1K+512")
    // Else about so many of the largest unit: (2^30 + 12345) / 2^30 = 1.0000115 -> ~1G;
    // 2^64 - 1 = 15.99... x 2^60 -> ~16E; (2^31 + 2^30 + 4097) / 2^30 = 3.0000038 -> ~3G.
    #expect(f.size(1 << 30 + 12345) == "~1G")
    #expect(f.size(.max) == "~16E")
    #expect(f.size(3 << 30 | 4097) == "~3G")
    // 0x6_0000_4004 = 24G + 16388 (16388 = 4097 x 4, over 1024 bytes) -> ~24G;
    // 0x5_1234_5678 / 2^30 = 20.28 -> ~20G (whole units from 10 on).
    #expect(f.size(0x1_8000_1001 << 2) == "~24G")
    #expect(f.size(0x5_1234_5678) == "~20G")
    // One decimal below 10 units: 1.25G + 1 = 1.2500000009 x 2^30 -> ~1.3G.
    #expect(f.size(5 << 28 + 1) == "~1.3G")
  }
}
