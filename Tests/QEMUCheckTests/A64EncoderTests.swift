import Testing

@testable import QEMUCheck

#if canImport(Glibc)
  import Glibc
#endif

/// Every encoding the image uses, against words worked out by hand from the Arm ARM's
/// encoding diagrams (always), and against the toolchain's assembler where one is installed.
@Suite("A64 encoder")
struct A64EncoderTests {
  /// (assembler text, our encoding, the hand-derived word).
  static let cases: [(String, UInt32, UInt32)] = [
    // MOVZ: sf=1 opc=10 100101 hw imm16 Rd.
    ("movz x0, #0x1234, lsl #16", A64.movz(.x(0), 0x1234, shift: 1), 0xD2A2_4680),
    ("movz x27, #0x8000, lsl #48", A64.movz(.x(27), 0x8000, shift: 3), 0xD2F0_001B),
    // MOVK: sf=1 opc=11.
    ("movk x20, #0x1, lsl #32", A64.movk(.x(20), 1, shift: 2), 0xF2C0_0034),
    // MSR/MRS: 1101010100 L 1 o0 op1 CRn CRm op2 Rt.
    ("msr hcr_el2, x0", A64.msr(.hcr_el2, .x(0)), 0xD51C_1100),
    ("msr scr_el3, x0", A64.msr(.scr_el3, .x(0)), 0xD51E_1100),
    ("msr tcr_el1, x0", A64.msr(.tcr_el1, .x(0)), 0xD518_2040),
    ("msr tcr_el2, x0", A64.msr(.tcr_el2, .x(0)), 0xD51C_2040),
    ("msr vtcr_el2, x0", A64.msr(.vtcr_el2, .x(0)), 0xD51C_2140),
    ("msr ttbr0_el1, x0", A64.msr(.ttbr0_el1, .x(0)), 0xD518_2000),
    ("msr ttbr1_el1, x0", A64.msr(.ttbr1_el1, .x(0)), 0xD518_2020),
    ("msr ttbr0_el2, x0", A64.msr(.ttbr0_el2, .x(0)), 0xD51C_2000),
    ("msr ttbr1_el2, x0", A64.msr(.ttbr1_el2, .x(0)), 0xD51C_2020),
    ("msr vttbr_el2, x0", A64.msr(.vttbr_el2, .x(0)), 0xD51C_2100),
    ("msr mair_el1, x0", A64.msr(.mair_el1, .x(0)), 0xD518_A200),
    ("msr mair_el2, x0", A64.msr(.mair_el2, .x(0)), 0xD51C_A200),
    ("msr sctlr_el1, x0", A64.msr(.sctlr_el1, .x(0)), 0xD518_1000),
    ("msr sctlr_el2, x0", A64.msr(.sctlr_el2, .x(0)), 0xD51C_1000),
    ("msr par_el1, xzr", A64.msr(.par_el1, .xzr), 0xD518_741F),
    ("msr vbar_el3, x0", A64.msr(.vbar_el3, .x(0)), 0xD51E_C000),
    ("msr elr_el3, x27", A64.msr(.elr_el3, .x(27)), 0xD51E_403B),
    ("mrs x2, par_el1", A64.mrs(.x(2), .par_el1), 0xD538_7402),
    ("mrs x28, esr_el3", A64.mrs(.x(28), .esr_el3), 0xD53E_521C),
    ("mrs x0, id_aa64mmfr0_el1", A64.mrs(.x(0), .id_aa64mmfr0_el1), 0xD538_0700),
    ("mrs x0, id_aa64mmfr1_el1", A64.mrs(.x(0), .id_aa64mmfr1_el1), 0xD538_0720),
    ("mrs x0, id_aa64mmfr2_el1", A64.mrs(.x(0), .id_aa64mmfr2_el1), 0xD538_0740),
    // AT: SYS #op1, C7, C8, #op2, Xt = 1101010100 0 01 op1 0111 1000 op2 Rt.
    ("at s1e1r, x1", A64.at(.s1e1r, .x(1)), 0xD508_7801),
    ("at s1e1w, x1", A64.at(.s1e1w, .x(1)), 0xD508_7821),
    ("at s1e0r, x1", A64.at(.s1e0r, .x(1)), 0xD508_7841),
    ("at s1e0w, x1", A64.at(.s1e0w, .x(1)), 0xD508_7861),
    ("at s1e2r, x1", A64.at(.s1e2r, .x(1)), 0xD50C_7801),
    ("at s1e2w, x1", A64.at(.s1e2w, .x(1)), 0xD50C_7821),
    ("at s12e1r, x1", A64.at(.s12e1r, .x(1)), 0xD50C_7881),
    ("at s12e1w, x1", A64.at(.s12e1w, .x(1)), 0xD50C_78A1),
    ("at s12e0r, x1", A64.at(.s12e0r, .x(1)), 0xD50C_78C1),
    ("at s12e0w, x1", A64.at(.s12e0w, .x(1)), 0xD50C_78E1),
    // TLBI: SYS #4, C8, C7, #op2, XZR.
    ("tlbi alle1", A64.tlbiALLE1, 0xD50C_879F),
    ("tlbi alle2", A64.tlbiALLE2, 0xD50C_871F),
    ("dsb sy", A64.dsbSY, 0xD503_3F9F),
    ("isb", A64.isb, 0xD503_3FDF),
    ("eret", A64.eret, 0xD69F_03E0),
    // HLT: 11010100 010 imm16 000 00.
    ("hlt #0xf000", A64.hlt(0xF000), 0xD45E_0000),
    // Loads and stores: size=11 111 0 01 opc imm12 Rn Rt; post-index 111 0 00 opc 0 imm9 01.
    ("ldr x21, [x20, #8]", A64.ldr(.x(21), .x(20), offset: 8), 0xF940_0695),
    ("str x0, [x22, #24]", A64.str(.x(0), .x(22), offset: 24), 0xF900_0EC0),
    ("ldr x25, [x24], #8", A64.ldrPost(.x(25), .x(24), 8), 0xF840_8719),
    ("ldp x3, x4, [x1], #16", A64.ldpPost(.x(3), .x(4), .x(1), 16), 0xA8C1_1023),
    ("stp x3, x4, [x0], #16", A64.stpPost(.x(3), .x(4), .x(0), 16), 0xA881_1003),
    ("stp xzr, xzr, [x0], #16", A64.stpPost(.xzr, .xzr, .x(0), 16), 0xA881_7C1F),
    // Arithmetic: sf op S 100010 sh imm12 Rn Rd; ORR (shifted register) sf 01 01010 ...
    ("add x23, x22, #40", A64.addImmediate(.x(23), .x(22), 40), 0x9100_A2D7),
    ("sub x2, x2, #1", A64.subImmediate(.x(2), .x(2), 1), 0xD100_0442),
    ("cmp x0, #9", A64.cmpImmediate(.x(0), 9), 0xF100_241F),
    ("orr x28, x28, x27", A64.orr(.x(28), .x(28), .x(27)), 0xAA1B_039C),
  ]

  /// Branches, whose operand is a distance: (assembler text at offset 0, word).
  static let branches: [(String, UInt32, UInt32)] = [
    ("b .+8", A64.b(offset: 8), 0x1400_0002),
    ("b .-36", A64.b(offset: -36), 0x17FF_FFF7),
    ("b.eq .+88", A64.bCond(.eq, offset: 88), 0x5400_02C0),
    ("cbz x21, .+436", A64.cbz(.x(21), offset: 436), 0xB400_0DB5),
    ("cbnz x2, .-12", A64.cbnz(.x(2), offset: -12), 0xB5FF_FFA2),
    ("adr x0, .+2048", A64.adr(.x(0), offset: 2048), 0x1000_4000),
  ]

  @Test func handEncodings() {
    for (text, ours, hand) in Self.cases + Self.branches {
      #expect(ours == hand, "\(text): \(String(ours, radix: 16)) != \(String(hand, radix: 16))")
    }
  }

  @Test func movConstantUsesMOVKOnlyForNonZeroHalves() {
    #expect(A64.movConstant(.x(20), 0x1_0000_0000) == [0xD280_0014, 0xF2C0_0034])
    #expect(A64.movConstant(.x(0), 0x531) == [0xD280_A620])
  }

  /// Assembles every case with clang (when installed) and compares the words.
  @Test func againstTheToolchain() throws {
    func tool(_ paths: [String]) -> String? { paths.first { Files.isExecutable($0) } }
    let clang = tool(["/opt/swift/usr/bin/clang", "/usr/bin/clang"])
    let objdump = tool(["/opt/swift/usr/bin/llvm-objdump", "/usr/bin/llvm-objdump"])
    guard let clang, let objdump else {
      print("skipped: no clang/llvm-objdump to assemble the encodings with")
      return
    }
    let all = Self.cases + Self.branches
    let dir = try Files.temporaryDirectory()
    defer { Files.removeDirectory(dir, files: ["a.S", "a.o", "dump.txt", "cc.txt"]) }
    let source = ".text\n" + all.map { $0.0 + "\n" }.joined()
    try Files.write(dir + "/a.S", Array(source.utf8))
    let cc = try QEMUProcess.run(
      [
        clang, "--target=aarch64-none-elf", "-march=armv8.4-a", "-c", dir + "/a.S", "-o",
        dir + "/a.o",
      ],
      outputPath: dir + "/cc.txt", seconds: 60)
    #expect(cc == .exited(0))
    let od = try QEMUProcess.run(
      [objdump, "-d", dir + "/a.o"], outputPath: dir + "/dump.txt", seconds: 60)
    #expect(od == .exited(0))
    let text = String(decoding: try Files.read(dir + "/dump.txt"), as: UTF8.self)
    // Lines "       4: d50c7881     \tat\ts12e1r, x1": the word after the offset.
    let words: [UInt32] = text.split(separator: "\n").compactMap { line in
      let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard parts.count >= 2, parts[0].hasSuffix(":"), parts[1].count == 8 else { return nil }
      return UInt32(parts[1], radix: 16)
    }
    #expect(words.count == all.count)
    for (k, c) in all.enumerated() where k < words.count {
      #expect(
        words[k] == c.1,
        "\(c.0): toolchain \(String(words[k], radix: 16)), ours \(String(c.1, radix: 16))")
    }
  }
}
