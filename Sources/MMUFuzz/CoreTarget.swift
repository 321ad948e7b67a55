import MMU
import MMUCoreFile

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// Fuzz target 3: arbitrary bytes as an ELF core. The reader (ELF header, program headers,
/// PN_XNUM, notes), the PRSTATUS and VMCOREINFO decoders and the register derivation run on
/// the bytes; when they parse, the bytes are written to a file in /dev/shm (tmpfs: no disk
/// I/O, whose stalls on a loaded host tripped libFuzzer's 1 s timeout), unlinked at once and
/// reached through /proc/self/fd, then mapped into memory as `load core` does and walked. The same bytes also go to
/// the VMCOREINFO and symbol-table parsers directly.
enum CoreTarget {
  nonisolated(unsafe) static var memoryFile: Int32 = -1

  static func run(_ data: [UInt8]) {
    _ = try? VMCoreInfo(text: data)
    if let t = try? SymbolTable(text: data), let first = t.symbols.first {
      _ = t.nearest(first.address &+ 1)
    }
    guard (try? ELFCore.read(ArrayByteSource(data))) != nil else { return }
    if memoryFile < 0 {
      let folder = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "."
      let name = "\(folder)/mmush-fuzz-core-\(getpid())"
      memoryFile = open(name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
      unlink(name)
    }
    guard memoryFile >= 0, ftruncate(memoryFile, 0) == 0 else { return }
    let written = data.withUnsafeBytes { pwrite(memoryFile, $0.baseAddress, $0.count, 0) }
    guard written == data.count else { return }
    let path = "/proc/self/fd/\(memoryFile)"
    guard let core = try? KernelCore(path: path) else { return }
    let m = Machine(memory: PhysicalMemory(pageBudget: 64))
    guard (try? core.map(into: m.memory)) != nil else { return }
    for l in core.elf.loads {
      _ = m.memory.read64(l.physicalAddress)
      _ = m.memory.read64((l.physicalAddress &+ l.memorySize &- 8) & ~7)
    }
    guard let r = try? core.registers(paRange: 6, sctlr: RegisterDefaults.sctlrEL1) else { return }
    m.cpu.registers[.tcr_el1] = r.tcr
    m.cpu.registers[.ttbr1_el1] = r.ttbr1
    m.cpu.registers[.mair_el1] = r.mair
    m.cpu.registers[.sctlr_el1] = r.sctlr
    let context = m.cpu.context(el: 1)
    for va in [UInt64.max &- 0xfff, 0xffff_8000_8001_0000, 0xfff0_0000_0000_0000] {
      _ = m.access(cpu: m.cpu, context: context, address: va, access: .read, trace: false)
    }
  }
}
