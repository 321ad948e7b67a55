/// Writes the vector stream the image reads (docs/qemu.md, "The vector format"): 64-bit
/// little-endian words.
///
///     header:  magic, vector count, results PA, SYS_OPEN block PA, SYS_WRITE block PA,
///              SYS_EXIT block PA, query count, 0
///     vector:  copy count, (destination PA, source PA) × count,
///              zero count, destination PA × count,
///              13 register values (A64SystemRegister.vectorRegisters order),
///              query count, (operation, VA) × count
///     then:    SYS_OPEN block (name PA, mode 5 "wb", name length), SYS_WRITE block (0, results
///              PA, results length), SYS_EXIT block (0x20026, 0), the NUL-terminated results
///              file name; then each distinct page once, 4 KiB aligned.
struct StreamWriter {
  private var words: [UInt64] = Array(repeating: 0, count: CheckLayout.streamHeaderBytes / 8)
  /// Word positions of copy sources, holding page numbers until `finish` places the pages.
  private var sourceSlots: [Int] = []
  private var pages: [PageData] = []
  private var pageNumbers: [ObjectIdentifier: Int] = [:]
  private(set) var vectorCount = 0

  mutating func addVector(
    copies: [(UInt64, PageData)], zeroes: [UInt64], registers: [UInt64],
    queries: [(A64ATOperation, UInt64)]
  ) {
    vectorCount += 1
    words.append(UInt64(copies.count))
    for (pa, page) in copies {
      words.append(pa)
      let id = ObjectIdentifier(page)
      let n: Int
      if let k = pageNumbers[id] {
        n = k
      } else {
        n = pages.count
        pages.append(page)
        pageNumbers[id] = n
      }
      sourceSlots.append(words.count)
      words.append(UInt64(n))
    }
    words.append(UInt64(zeroes.count))
    words += zeroes
    words += registers
    words.append(UInt64(queries.count))
    for (op, va) in queries {
      words.append(UInt64(op.rawValue))
      words.append(va)
    }
  }

  func finish(queryCount: Int, resultsPath: String) throws(CheckError) -> [UInt8] {
    var w = words
    let base = CheckLayout.streamBase
    let resultsLength = UInt64(CheckLayout.resultsHeaderBytes + 16 * queryCount)
    let openAt = UInt64(w.count * 8)
    let name = Array(resultsPath.utf8)
    w += [base + openAt + 64, Semihosting.modeWriteBinary, UInt64(name.count)]
    let writeAt = UInt64(w.count * 8)
    w += [0, CheckLayout.resultsBase, resultsLength]
    let exitAt = UInt64(w.count * 8)
    w += [Semihosting.applicationExit, 0]
    while w.count * 8 < Int(openAt) + 64 { w.append(0) }
    // The name, NUL-terminated, in whole words.
    var nameWords = name + [0]
    while nameWords.count % 8 != 0 { nameWords.append(0) }
    for k in stride(from: 0, to: nameWords.count, by: 8) {
      var v: UInt64 = 0
      for b in 0..<8 { v |= UInt64(nameWords[k + b]) << (8 * UInt64(b)) }
      w.append(v)
    }
    while (w.count * 8) % 4096 != 0 { w.append(0) }
    let pageBase = base + UInt64(w.count * 8)
    for slot in sourceSlots { w[slot] = pageBase + w[slot] * 4096 }
    w[0] = CheckLayout.streamMagic
    w[1] = UInt64(vectorCount)
    w[2] = CheckLayout.resultsBase
    w[3] = base + openAt
    w[4] = base + writeAt
    w[5] = base + exitAt
    w[6] = UInt64(queryCount)
    let total = UInt64(w.count * 8) + UInt64(pages.count) * 4096
    guard total <= CheckLayout.streamLimit else {
      throw .tooLarge("the vectors need \(total) bytes (at most \(CheckLayout.streamLimit))")
    }
    var out: [UInt8] = []
    out.reserveCapacity(Int(total))
    for v in w {
      for b in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(b)))) }
    }
    for p in pages { out += p.bytes }
    return out
  }
}
