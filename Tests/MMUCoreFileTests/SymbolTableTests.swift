import MMUCoreFile
import Testing

@Suite("Symbol tables")
struct SymbolTableTests {
  @Test("System.map and kallsyms lines: nearest symbol at or below, modules, bad lines")
  func nearest() throws {
    let text = """
      ffff800080000000 T _text
      ffff800080010000 T _stext
      ffff800080010000 t alias_of_stext
      0000000000000000 A __absolute
      ffff800080020000 D some_data
      ffff80007ac00000 t fw_cfg_probe\t[qemu_fw_cfg]

      """
    let t = try SymbolTable(text: Array(text.utf8))
    #expect(t.symbols.count == 4)
    #expect(t.nearest(0xffff_8000_8001_0000)! == ("_stext", 0))
    #expect(t.nearest(0xffff_8000_8001_0010)! == ("_stext", 0x10))
    #expect(t.nearest(0xffff_8000_8002_0008)! == ("some_data", 8))
    #expect(t.nearest(0xffff_8000_7ac0_0004)! == ("fw_cfg_probe [qemu_fw_cfg]", 4))
    #expect(t.nearest(0xffff_0000_0000_0000) == nil)
    #expect(t.nearest(0xffff_8000_8002_0000 + (1 << 24)) == nil)
    #expect(throws: CoreFileError.badSymbolLine(line: 2, text: "not a symbol")) {
      try SymbolTable(text: Array("ffff800080000000 T _text\nnot a symbol\n".utf8))
    }
  }
}
