import Testing

@testable import MMUShell

/// The byte writer behind every walk line, dump row and JSON event: its digits, escapes and
/// line breaks, against values worked out by hand from the formats the renderers promise
/// (`ValueFormatter.hex`'s grouping, RFC 8259 §7, `Columns.wrap`).
@Suite("Byte writer")
struct ByteWriterTests {
  func written(_ body: (inout ByteWriter) -> Void) -> String {
    var w = ByteWriter()
    body(&w)
    return String(decoding: w.bytes, as: UTF8.self)
  }

  @Test("hex digits are grouped by four from the right, padded to a column's digits")
  func hex() {
    #expect(written { $0.hex(0, grouped: true) } == "0x0")
    #expect(written { $0.hex(0x1234, grouped: true) } == "0x1234")
    #expect(written { $0.hex(0x1_2345, grouped: true) } == "0x1_2345")
    #expect(written { $0.hex(0xffff_8000_0000_0000, grouped: true) } == "0xffff_8000_0000_0000")
    #expect(written { $0.hex(0xff00_0000_4000_0b80, grouped: false) } == "0xff00000040000b80")
    #expect(written { $0.hex(0x1000, digits: 12, grouped: true) } == "0x0000_0000_1000")
    // The end of a range that reaches the top is 2^64: a 17th digit.
    #expect(written { $0.end(.max, digits: 12, grouped: true) } == "0x1_0000_0000_0000_0000")
    #expect(written { $0.end(.max, digits: 1, grouped: false) } == "0x10000000000000000")
    #expect(written { $0.end(0xfff, digits: 4, grouped: true) } == "0x1000")
    // 2^64 padded to 20 digits: the 1 is the 17th digit from the right, after four groups.
    #expect(written { $0.end(.max, digits: 20, grouped: true) } == "0x0001_0000_0000_0000_0000")
    #expect(written { $0.end(.max, digits: 18, grouped: false) } == "0x010000000000000000")
    #expect(written { $0.hex(.max, grouped: true) } == "0xffff_ffff_ffff_ffff")
    // Every digit value, in both halves of the word.
    #expect(written { $0.hex(0x0123_4567_89ab_cdef, grouped: false) } == "0x123456789abcdef")
    #expect(written { $0.hex(0xfedc_ba98_7654_3210, grouped: true) } == "0xfedc_ba98_7654_3210")
    #expect(written { $0.hex(0xa, digits: 16, grouped: false) } == "0x000000000000000a")
    #expect(written { $0.hex(0x9_0000, digits: 3, grouped: true) } == "0x9_0000")
  }

  @Test("a buffer grows past its first allocation and keeps every byte")
  func growth() {
    var w = ByteWriter(capacity: 1)
    for i in 0..<1000 { w.decimal(i % 10) }
    let expected = (0..<1000).map { String($0 % 10) }.joined()
    #expect(w.string == expected)
    w.truncate(to: 3)
    w.repeated(0x2d, 2)
    #expect(w.string == "012--")
  }

  @Test("decimals at the ends of their ranges")
  func decimals() {
    #expect(written { $0.decimal(0) } == "0")
    #expect(written { $0.decimal(-1) } == "-1")
    #expect(written { $0.decimal(Int.min) } == "-9223372036854775808")
    #expect(written { $0.decimal(UInt64.max) } == "18446744073709551615")
  }

  @Test("JSON strings escape quotes, backslashes and controls; other bytes pass as UTF-8")
  func quote() {
    let s = "a\"b\\c\n\t\r\u{01}\u{1f}é\u{7f}"
    #expect(
      written { JSONWriter.quote(s, into: &$0) } == "\"a\\\"b\\\\c\\n\\t\\r\\u0001\\u001fé\u{7f}\"")
  }

  @Test("a string escapes from its first special byte on, after a clean start")
  func quoteMiddle() {
    #expect(written { JSONWriter.quote("normal-wb", into: &$0) } == "\"normal-wb\"")
    #expect(written { JSONWriter.quote("", into: &$0) } == "\"\"")
    #expect(written { JSONWriter.quote("ab\"cd\u{7}e", into: &$0) } == "\"ab\\\"cd\\u0007e\"")
    // The word tests at each length class: under 4, 4 to 7, and the overlapping last word.
    #expect(written { JSONWriter.quote("a\\", into: &$0) } == "\"a\\\\\"")
    #expect(written { JSONWriter.quote("abcd\u{1}f", into: &$0) } == "\"abcd\\u0001f\"")
    #expect(
      written { JSONWriter.quote("0123456789abcdef\"xy", into: &$0) }
        == "\"0123456789abcdef\\\"xy\"")
    #expect(
      written { JSONWriter.quote("0123456789abcdefgh", into: &$0) } == "\"0123456789abcdefgh\"")
    #expect(written { JSONWriter.quote("é ~\u{7f}", into: &$0) } == "\"é ~\u{7f}\"")
  }

  @Test("JSON members get their commas from the writer, nested or not")
  func members() {
    var j = JSONWriter()
    j.openObject()
    j.string("type", "walk")
    j.openObject("location")
    j.int("line", 3)
    j.closeObject()
    j.openArray("values")
    j.hexItem(0x10)
    j.hexItem(0xffff_0000)
    j.closeArray()
    j.null("par")
    j.bool("ok", false)
    j.closeObject()
    j.endLine()
    #expect(
      String(decoding: j.out.bytes, as: UTF8.self)
        == "{\"type\":\"walk\",\"location\":{\"line\":3},\"values\":[\"0x10\",\"0xffff0000\"],"
        + "\"par\":null,\"ok\":false}\n")
  }

  @Test("sizes in the language's units")
  func sizes() {
    #expect(ViewWords.size(0) == "0")
    #expect(ViewWords.size(1023) == "1023")
    #expect(ViewWords.size(4096) == "4K")
    #expect(ViewWords.size(0x40_1000) == "4M+4K")
    // 0x1234_5678 = 291 MiB + 0x45678, which no smaller unit divides: about 291M.
    #expect(ViewWords.size(0x1234_5678) == "~291M")
    #expect(ViewWords.size(1 << 63) == "8E")
    #expect(ViewWords.size(1 << 60 | 1 << 10) == "1E+1K")
    // 1G + 2049 bytes: no unit divides the rest into fewer than 1024 of it.
    #expect(ViewWords.size(1 << 30 | 0x801) == "~1G")
    #expect(ViewWords.size(UInt64.max) == "~16E")
  }

  static let page = """
    space k regime el1 ttbr0 granule 4k va_bits 48
    map k 0x10_0000_0000 -> 0x4000_0000 size 4K rw
    switch ttbr0_el1 k
    walk el1 0x10_0000_0000

    """

  @Test("a walk line breaks between fields on a narrow terminal, never inside one")
  func narrowWalk() throws {
    // Fields: the head with the PA (44 characters, kept whole), `level 3 4K page` (15),
    // `normal-wb inner-shareable` (25), `el0 --- priv rw-` (16), `[tlb miss]` (10).
    #expect(
      try InProcess.runText(Self.page, width: nil)
        == "walk el1 0x10_0000_0000 read: pa 0x4000_0000  level 3 4K page  "
        + "normal-wb inner-shareable  el0 --- priv rw-  [tlb miss]\n")
    #expect(
      try InProcess.runText(Self.page, width: 40)
        == """
        walk el1 0x10_0000_0000 read: pa 0x4000_0000
            level 3 4K page
            normal-wb inner-shareable
            el0 --- priv rw-  [tlb miss]

        """)
    #expect(
      try InProcess.runText(Self.page, width: 60)
        == """
        walk el1 0x10_0000_0000 read: pa 0x4000_0000
            level 3 4K page  normal-wb inner-shareable
            el0 --- priv rw-  [tlb miss]

        """)
  }
}
