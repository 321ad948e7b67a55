import MMU
import MMUCoreFile
import MMUSyntax

/// What `load core` loaded: the file, its VMCOREINFO and CPUs, and the registers written.
public struct LoadedCore: Sendable {
  public var path: String
  public var vmcoreinfo: VMCoreInfo?
  public var cpus: [CPUState]
  public var ranges: [(address: UInt64, size: UInt64)]
  public var skippedSegments: Int
  /// Nil when the core has no VMCOREINFO: memory is loaded, registers are left alone.
  public var registers: KernelRegisters?
  /// The marker layout last warned about, so a run says once what it assumed.
  var warnedMarkers: LinuxMarkers?
}

extension Interpreter {
  func executeLoad(_ s: LoadStmt) throws {
    let path = try resolveReadPath(try string(s.file), range: s.file.range)
    switch s.kind {
    case .core: try loadCore(path, range: s.range)
    case .symbols:
      let table: SymbolTable
      do {
        let text = try FileIO.readBytes(path, limit: 256 << 20)
        table = try SymbolTable(text: text)
      } catch let e as FileIO.Failure {
        throw Diagnostic.error(e.message, at: s.file.range)
      } catch let e as CoreFileError {
        throw Diagnostic.error("\(path): \(describe(e))", at: s.file.range)
      }
      symbolTable = table
      sink.emit(.symbols(SymbolsEvent(path: path, count: table.symbols.count, range: s.range)))
    }
  }

  /// Maps the core's memory, then writes the kernel's EL1 registers on every CPU (one CPU
  /// per PRSTATUS note), each CPU's TLB emptied. A CPU the core says was at EL2 ran a VHE
  /// kernel: its EL2&0 registers get the same values (TCR_EL2 has TCR_EL1's layout when
  /// HCR_EL2.E2H = 1), with E2H and TGE set, and the CPU is put at EL2.
  func loadCore(_ path: String, range: SourceRange) throws {
    if let loaded = loadedCore {
      throw Diagnostic.error(
        "a core is already loaded (\(loaded.path))", at: range, hint: "`reset` first")
    }
    let core: KernelCore
    let registers: KernelRegisters?
    do {
      core = try KernelCore(path: path)
      registers =
        core.vmcoreinfo == nil
        ? nil
        : try core.registers(
          paRange: bitField(machine.cpu.registers[.id_aa64mmfr0_el1], 3, 0),
          sctlr: RegisterDefaults.sctlrEL1)
      try core.map(into: machine.memory)
    } catch let e as CoreFileError {
      throw Diagnostic.error("\(path): \(describe(e))", at: range)
    } catch let e as MemoryError {
      throw Diagnostic.error(describe(e), at: range)
    }
    if let registers {
      machine.addCPUs(upTo: min(max(core.cpus.count, 1), 64))
      for c in machine.cpus {
        c.registers[.tcr_el1] = registers.tcr
        c.registers[.ttbr1_el1] = registers.ttbr1
        c.registers[.ttbr0_el1] = 0
        c.registers[.mair_el1] = registers.mair
        c.registers[.sctlr_el1] = registers.sctlr
        let atEL2 = c.index < core.cpus.count && core.cpus[c.index].exceptionLevel == 2
        if atEL2 {
          c.registers[.tcr_el2] = registers.tcr
          c.registers[.ttbr1_el2] = registers.ttbr1
          c.registers[.ttbr0_el2] = 0
          c.registers[.mair_el2] = registers.mair
          c.registers[.sctlr_el2] = registers.sctlr
          c.registers[.hcr_el2] |= (1 << 34) | (1 << 27)
        }
        c.el = atEL2 ? 2 : 1
        c.tlb.removeAll()
      }
    }
    let state = LoadedCore(
      path: path, vmcoreinfo: core.vmcoreinfo, cpus: core.cpus, ranges: core.ranges,
      skippedSegments: core.elf.skippedLoads, registers: registers)
    loadedCore = state
    sink.emit(.core(CoreEvent(state: state, range: range)))
  }

  /// The markers `format linux` cuts at: the script's (`marker`), else, with a core loaded,
  /// the kernel's own from its VMCOREINFO (and the symbols, when they are this kernel's).
  /// What the core cannot tell is said once, in a warning.
  func effectiveMarkers(range: SourceRange) -> [PtdumpMarker] {
    guard ptdumpMarkers.isEmpty, let info = loadedCore?.vmcoreinfo else { return ptdumpMarkers }
    guard let layout = info.linuxMarkers(symbols: symbolTable) else { return [] }
    if loadedCore?.warnedMarkers != layout {
      loadedCore?.warnedMarkers = layout
      switch layout.fixmap {
      case .symbols: break
      case .assumed: warn(sink.message(for: .fixmapAssumed), at: range)
      case .leftOut: warn(sink.message(for: .fixmapLeftOut), at: range)
      }
      if layout.kasanLeftOut { warn(sink.message(for: .kasanLeftOut), at: range) }
    }
    return layout.markers
  }

  /// `vmcoreinfo("KEY")`: a number for numeric keys, the text otherwise.
  func vmcoreinfoValue(_ key: String, range: SourceRange) throws -> Value {
    guard let info = loadedCore?.vmcoreinfo else {
      throw Diagnostic.error(
        "vmcoreinfo(): no core with a VMCOREINFO note is loaded", at: range,
        hint: "`load core \"FILE\"` first")
    }
    guard let resolved = info.resolve(key) else {
      throw Diagnostic.error(
        "VMCOREINFO has no key '\(key)'", at: range,
        hint: closestMatch(key, in: info.keys).map { "did you mean '\($0)'?" })
    }
    guard VMCoreInfo.isNumeric(resolved) else { return .string(info[resolved] ?? "") }
    guard let text = info[resolved], let v = VMCoreInfo.parseNumber(key: resolved, text) else {
      throw Diagnostic.error(
        "VMCOREINFO's \(resolved)=\(info[resolved] ?? "") is not a number", at: range)
    }
    return .hex(v)
  }

  /// The nearest symbol at or below `address` (within 1M), when a table is loaded.
  func symbol(at address: UInt64) -> SymbolicAddress? {
    guard let t = symbolTable, let (name, offset) = t.nearest(address, limit: 1 << 20) else {
      return nil
    }
    return SymbolicAddress(name: name, offset: offset)
  }

  func describe(_ e: CoreFileError) -> String {
    switch e {
    case .io(let e): return FileIO.reason(errno: e)
    case .notRegularFile(let kind): return "\(kind), not a core file"
    case .truncated(let what, let offset, let needed, let size):
      return
        "truncated: the \(what) needs \(needed) bytes at offset \(formatter.hex(offset)), the file has \(size)"
    case .notELF(let format):
      return "not an ELF core" + (format.map { " (\($0))" } ?? "")
    case .kdumpCompressed:
      return "a kdump-compressed core; convert it with makedumpfile -E"
    case .unsupportedELF(let what): return "unsupported ELF: \(what)"
    case .badSegment(let index, let reason): return "program header \(index): \(reason)"
    case .overlappingSegments(let a, let b, let address):
      return "program headers \(a) and \(b) overlap at PA \(formatter.hex(address))"
    case .badNote(let segment, let offset, let reason):
      return "bad note at offset \(formatter.hex(offset)) (program header \(segment)): \(reason)"
    case .noVMCOREINFO: return "no VMCOREINFO note"
    case .missingKey(let key): return "VMCOREINFO has no \(key)"
    case .badValue(let key, let value, let reason):
      return "impossible \(key)=\(value): \(reason)"
    case .badSymbolLine(let line, let text):
      return "line \(line) is not 'ADDRESS TYPE NAME': \(text)"
    case .tooLarge(let what, let limit): return "too many \(what) (at most \(limit))"
    }
  }
}
