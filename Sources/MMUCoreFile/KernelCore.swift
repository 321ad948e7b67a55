import MMU

/// A kernel core as `load core` reads it: the ELF's memory segments and notes, the
/// VMCOREINFO, each CPU's state, and the EL1 registers they imply.
public struct KernelCore: Sendable {
  public var path: String
  public var elf: ELFCore
  /// Nil when the core has no VMCOREINFO note (a core of something else than Linux).
  public var vmcoreinfo: VMCoreInfo?
  public var cpus: [CPUState]

  /// Reads and checks the file's headers and notes (memory is not touched).
  public init(path: String) throws(CoreFileError) {
    let source = try FileByteSource(path: path)
    try self.init(path: path, source: source)
  }

  public init(path: String, source: some ByteSource) throws(CoreFileError) {
    self.path = path
    elf = try ELFCore.read(source)
    cpus = try CPUState.all(in: elf.notes)
    // The last VMCOREINFO wins: a kdump vmcore holds the crashed kernel's only.
    if let note = elf.notes.last(where: { $0.name == VMCoreInfo.noteName }) {
      vmcoreinfo = try VMCoreInfo(text: note.descriptor)
    }
  }

  /// The registers of the kernel: needs VMCOREINFO.
  public func registers(paRange: UInt64, sctlr: UInt64) throws(CoreFileError) -> KernelRegisters {
    guard let info = vmcoreinfo else { throw .noVMCOREINFO }
    return try KernelRegisters(info, paRange: paRange, sctlr: sctlr)
  }

  /// The physical ranges the core holds, sorted: (start, size in memory).
  public var ranges: [(address: UInt64, size: UInt64)] {
    elf.loads.map { ($0.physicalAddress, $0.memorySize) }
  }

  /// Maps every segment's file bytes at its physical address (nothing is copied but a
  /// partial last page a segment).
  public func map(into memory: PhysicalMemory) throws(MemoryError) {
    try memory.mapFileSegments(
      path: path,
      elf.loads.map {
        PhysicalMemory.FileSegment(
          address: $0.physicalAddress, offset: $0.fileOffset, length: $0.fileSize)
      })
  }
}
