import MMU
import MMUSyntax

extension Interpreter {
  func executeMemWrite(_ s: MemWriteStmt) throws {
    let pa = try integer(s.address)
    let value = try integer(s.value)
    let size = try s.size.map { try smallInt($0, "size", in: 1...8) } ?? 8
    guard [1, 2, 4, 8].contains(size) else {
      throw Diagnostic.error("size must be 1, 2, 4 or 8", at: s.size?.range ?? s.range)
    }
    guard size == 8 || value >> UInt64(size * 8) == 0 else {
      throw Diagnostic.error(
        "\(formatter.hex(value)) does not fit in \(size) bytes", at: s.value.range)
    }
    if pa >= PhysicalMemory.addressLimit || pa % UInt64(size) != 0 {
      throw Diagnostic.error(
        describe(
          pa >= PhysicalMemory.addressLimit
            ? MemoryError.outOfRange(address: pa) : .badAccess(address: pa, size: size)),
        at: s.address.range)
    }
    try writeMemory(pa, value, size: size, range: s.range)
  }

  func executeMemRead(_ s: MemReadStmt) throws {
    let pa = try integer(s.address)
    let count =
      try s.count.map { try smallInt($0, "count", in: 1...max(1, options.maxOutputItems)) } ?? 1
    var values: [UInt64] = []
    values.reserveCapacity(min(count, 1 << 16))
    for i in 0..<count {
      let (a, o) = pa.addingReportingOverflow(UInt64(i) * 8)
      guard !o else { throw Diagnostic.error("the range passes 2^64", at: s.range) }
      do { values.append(try machine.memory.read(a, size: 8)) } catch {
        throw Diagnostic.error(describe(error), at: s.range)
      }
    }
    sink.emit(.memRead(address: pa, values: values, range: s.range))
  }

  func executeMemLoad(_ s: MemLoadStmt) throws {
    let pa = try integer(s.address)
    let path = try resolveReadPath(try string(s.file), range: s.file.range)
    do {
      if pa & 0xfff == 0 {
        try machine.memory.mapFile(at: pa, path: path)
      } else {
        let bytes = try FileIO.readBytes(path, limit: 64 << 20)
        try machine.memory.writeBytes(pa, bytes)
      }
    } catch let e as MemoryError {
      throw Diagnostic.error(describe(e), at: s.range)
    } catch let e as FileIO.Failure {
      throw Diagnostic.error(e.message, at: s.file.range)
    }
  }

  func executeMemSave(_ s: MemSaveStmt) throws {
    let pa = try integer(s.address)
    let size = try integer(s.size)
    guard size <= 256 << 20 else {
      throw Diagnostic.error("mem save writes at most 256M at a time", at: s.size.range)
    }
    let path = try string(s.file)
    let target = try writePolicy.check(path, range: s.file.range)
    do {
      let bytes = try machine.memory.readBytes(pa, count: Int(size))
      try FileIO.writeBytes(target, bytes)
    } catch let e as MemoryError {
      throw Diagnostic.error(describe(e), at: s.range)
    } catch let e as FileIO.Failure {
      throw Diagnostic.error(e.message, at: s.file.range)
    }
  }

  func executeDecode(_ s: DecodeStmt) throws {
    let value = try integer(s.value)
    let c = machine.cpu
    let format: DescriptorFormat
    let granuleReg: Granule
    let ds: Bool
    let r = c.registers
    switch s.regime {
    case .none, .el1?, .vhe?, .el2?:
      let el1 = s.regime == nil || s.regime == .el1
      format = s.regime == .el2 ? .stage1OneRange : .stage1TwoRange
      // TTBR0's fields: TCR_EL1, or TCR_EL2 in the layout the word names.
      let range = RangeControl(
        tcr: el1 ? r[.tcr_el1] : r[.tcr_el2], upper: false, el2Layout: s.regime == .el2)
      granuleReg = range.granule
      ds = range.ds
    case .s2?:
      format = .stage2
      granuleReg = r.stage2Granule
      ds = r.value(.vtcr_el2, "ds") != 0
    }
    let g = try s.granule.map { try granule($0) } ?? granuleReg
    // Without a level: a block/table descriptor reads as level 2, a page as level 3.
    let level =
      try s.level.map { try smallInt($0, "level", in: -1...3) } ?? (value & 3 == 1 ? 2 : 3)
    let mair = format == .stage1OneRange ? c.registers[.mair_el2] : c.registers[.mair_el1]
    sink.emit(
      .decode(
        DecodeEvent(
          value: value, level: level, format: format, granule: g, ds: ds && g != .k64,
          paMax: c.registers.features.paMax, mair: mair, range: s.range)))
  }
}
