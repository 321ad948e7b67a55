/// The bare-metal program QEMU runs: mmush's own, written word by word with `A64`.
///
/// QEMU's `virt` board with `secure=on,virtualization=on` enters it at EL3 at PA 0 (the
/// `-bios` flash). It reads the vector stream (`VectorStream`) that the loader placed at
/// `CheckLayout.streamBase` and, for every vector: writes its pages (copies, then zeroes),
/// programs the translation registers (HCR_EL2 first; SCR_EL3 is set once), invalidates
/// every EL1&0 and EL2 TLB entry (`TLBI ALLE1; TLBI ALLE2; DSB SY; ISB`), then per query runs
/// `AT`, `ISB`, `MRS PAR_EL1` and stores PAR with an exception word. It stays at EL3 with its
/// own MMU off, so nothing a vector programs can change where its code and data are. An
/// exception on any instruction lands in the vector table, which records ESR_EL3 (bit 63
/// set) in the exception word and resumes after the faulting instruction. At the end it
/// writes the results through Arm semihosting (`HLT #0xF000`: SYS_OPEN, SYS_WRITE,
/// SYS_EXIT). Results: `CheckLayout.resultsMagic`, ID_AA64MMFR0/1/2_EL1, the number of
/// queries answered, then 16 bytes per query (PAR_EL1, exception word).
public enum CheckImage {
  /// SCR_EL3: NS (lower ELs Non-secure), RES1 bits 5:4, HCE, RW (EL2 is AArch64).
  static let scr: UInt64 = 1 | 0x30 | (1 << 8) | (1 << 10)
  /// Marks an exception word; the low bits hold ESR_EL3.
  public static let exceptionFlag: UInt64 = 1 << 63
  /// The exception word of a query whose operation number the image does not know.
  public static let unknownOperation: UInt64 = 1 << 62

  /// The image bytes.
  public static func build() -> [UInt8] {
    var a = A64Assembler()
    let x0 = A64Register.x(0)
    let x1 = A64Register.x(1)
    let x2 = A64Register.x(2)
    let x3 = A64Register.x(3)
    let x4 = A64Register.x(4)
    let stream = A64Register.x(20)
    let vectorsLeft = A64Register.x(21)
    let results = A64Register.x(22)
    let out = A64Register.x(23)
    let cursor = A64Register.x(24)
    let count = A64Register.x(25)
    let answered = A64Register.x(26)
    let scratch = A64Register.x(27)
    let exception = A64Register.x(28)

    a.emit(to: "vectors") { A64.adr(x0, offset: $0) }
    a.emit(A64.msr(.vbar_el3, x0))
    a.emit(A64.movConstant(x0, scr))
    a.emit(A64.msr(.scr_el3, x0))
    a.emit(A64.isb)
    a.emit(A64.movConstant(stream, CheckLayout.streamBase))
    a.emit(A64.ldr(vectorsLeft, stream, offset: 8))
    a.emit(A64.ldr(results, stream, offset: 16))
    a.emit(A64.movConstant(x0, CheckLayout.resultsMagic))
    a.emit(A64.str(x0, results, offset: 0))
    for (k, r) in [A64SystemRegister.id_aa64mmfr0_el1, .id_aa64mmfr1_el1, .id_aa64mmfr2_el1]
      .enumerated()
    {
      a.emit(A64.mrs(x0, r))
      a.emit(A64.str(x0, results, offset: UInt32(8 + 8 * k)))
    }
    a.emit(A64.addImmediate(out, results, UInt32(CheckLayout.resultsHeaderBytes)))
    a.emit(A64.movz(answered, 0))
    a.emit(A64.addImmediate(cursor, stream, UInt32(CheckLayout.streamHeaderBytes)))

    a.label("vector")
    a.emit(to: "finish") { A64.cbz(vectorsLeft, offset: $0) }
    // Pages to copy: (destination, source) pairs, 4 KiB each, 16 bytes a step.
    a.emit(A64.ldrPost(count, cursor, 8))
    a.label("copy")
    a.emit(to: "zeroes") { A64.cbz(count, offset: $0) }
    a.emit(A64.ldrPost(x0, cursor, 8))
    a.emit(A64.ldrPost(x1, cursor, 8))
    a.emit(A64.movz(x2, 256))
    a.label("copy16")
    a.emit(A64.ldpPost(x3, x4, x1, 16))
    a.emit(A64.stpPost(x3, x4, x0, 16))
    a.emit(A64.subImmediate(x2, x2, 1))
    a.emit(to: "copy16") { A64.cbnz(x2, offset: $0) }
    a.emit(A64.subImmediate(count, count, 1))
    a.emit(to: "copy") { A64.b(offset: $0) }
    // Pages to zero: destinations.
    a.label("zeroes")
    a.emit(A64.ldrPost(count, cursor, 8))
    a.label("zero")
    a.emit(to: "registers") { A64.cbz(count, offset: $0) }
    a.emit(A64.ldrPost(x0, cursor, 8))
    a.emit(A64.movz(x2, 256))
    a.label("zero16")
    a.emit(A64.stpPost(.xzr, .xzr, x0, 16))
    a.emit(A64.subImmediate(x2, x2, 1))
    a.emit(to: "zero16") { A64.cbnz(x2, offset: $0) }
    a.emit(A64.subImmediate(count, count, 1))
    a.emit(to: "zero") { A64.b(offset: $0) }
    // Registers, HCR_EL2 first, then a clean TLB.
    a.label("registers")
    for (r, _) in A64SystemRegister.vectorRegisters {
      a.emit(A64.ldrPost(x0, cursor, 8))
      a.emit(A64.msr(r, x0))
    }
    a.emit(A64.msr(.par_el1, .xzr))
    a.emit([A64.isb, A64.tlbiALLE1, A64.tlbiALLE2, A64.dsbSY, A64.isb])
    // Queries: (operation, address) pairs.
    a.emit(A64.ldrPost(count, cursor, 8))
    a.label("query")
    a.emit(to: "vectorDone") { A64.cbz(count, offset: $0) }
    a.emit(A64.ldrPost(x0, cursor, 8))
    a.emit(A64.ldrPost(x1, cursor, 8))
    a.emit(A64.movz(exception, 0))
    for op in A64ATOperation.allCases {
      a.emit(A64.cmpImmediate(x0, op.rawValue))
      a.emit(to: "at\(op.rawValue)") { A64.bCond(.eq, offset: $0) }
    }
    a.emit(A64.movConstant(exception, unknownOperation))
    a.emit(to: "answer") { A64.b(offset: $0) }
    for op in A64ATOperation.allCases {
      a.label("at\(op.rawValue)")
      a.emit(A64.at(op, x1))
      a.emit(to: "answer") { A64.b(offset: $0) }
    }
    a.label("answer")
    a.emit(A64.isb)
    a.emit(A64.mrs(x2, .par_el1))
    a.emit(A64.stpPost(x2, exception, out, 16))
    a.emit(A64.addImmediate(answered, answered, 1))
    a.emit(A64.subImmediate(count, count, 1))
    a.emit(to: "query") { A64.b(offset: $0) }
    a.label("vectorDone")
    a.emit(A64.subImmediate(vectorsLeft, vectorsLeft, 1))
    a.emit(to: "vector") { A64.b(offset: $0) }

    // Semihosting: SYS_OPEN the results file, SYS_WRITE them, SYS_EXIT.
    a.label("finish")
    a.emit(A64.str(answered, results, offset: 32))
    a.emit(A64.ldr(x1, stream, offset: 24))
    a.emit(A64.movz(x0, Semihosting.open))
    a.emit(A64.hlt(Semihosting.call))
    a.emit(A64.ldr(x1, stream, offset: 32))
    a.emit(A64.str(x0, x1, offset: 0))
    a.emit(A64.movz(x0, Semihosting.write))
    a.emit(A64.hlt(Semihosting.call))
    a.emit(A64.ldr(x1, stream, offset: 40))
    a.emit(A64.movz(x0, Semihosting.exit))
    a.emit(A64.hlt(Semihosting.call))
    a.label("hang")
    a.emit(to: "hang") { A64.b(offset: $0) }

    // VBAR_EL3: 16 entries of 128 bytes, 2 KiB aligned; every entry records and skips.
    a.align(2048)
    a.label("vectors")
    for _ in 0..<16 {
      let start = a.offset
      a.emit(A64.mrs(exception, .esr_el3))
      a.emit(A64.movz(scratch, 0x8000, shift: 3))
      a.emit(A64.orr(exception, exception, scratch))
      a.emit(A64.mrs(scratch, .elr_el3))
      a.emit(A64.addImmediate(scratch, scratch, 4))
      a.emit(A64.msr(.elr_el3, scratch))
      a.emit(A64.eret)
      while a.offset < start + 128 { a.emit(0) }
    }
    return a.bytes()
  }
}

/// Arm semihosting for A64: the operation in W0, a parameter block's address in X1.
enum Semihosting {
  static let call: UInt16 = 0xF000
  static let open: UInt16 = 0x01
  static let write: UInt16 = 0x05
  static let exit: UInt16 = 0x18
  /// SYS_EXIT's reason: ADP_Stopped_ApplicationExit.
  static let applicationExit: UInt64 = 0x20026
  /// SYS_OPEN mode "wb".
  static let modeWriteBinary: UInt64 = 5
}
