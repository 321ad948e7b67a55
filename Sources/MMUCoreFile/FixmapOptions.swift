/// The configuration options the size of arm64's fixmap depends on: the entries of
/// `enum fixed_addresses` (arch/arm64/include/asm/fixmap.h, 6.9 and later) that are there only
/// with an option. A core does not record them; a symbol table of the same kernel shows them.
public struct FixmapOptions: Equatable, Sendable {
  /// CONFIG_ACPI_APEI_GHES: FIX_APEI_GHES_IRQ and FIX_APEI_GHES_SEA.
  public var ghes: Bool
  /// CONFIG_ARM_SDE_INTERFACE: two more GHES slots (only with GHES).
  public var sdei: Bool
  /// CONFIG_UNMAP_KERNEL_AT_EL0: the KPTI trampoline's three text slots.
  public var kpti: Bool
  /// CONFIG_RELOCATABLE: the trampoline's data page (only with KPTI).
  public var relocatable: Bool

  public init(ghes: Bool, sdei: Bool, kpti: Bool, relocatable: Bool) {
    self.ghes = ghes
    self.sdei = sdei
    self.kpti = kpti
    self.relocatable = relocatable
  }

  /// What the distributions' arm64 kernels enable (Debian, Ubuntu, Fedora: all four), the
  /// assumption when nothing says otherwise.
  public static let distribution = FixmapOptions(
    ghes: true, sdei: true, kpti: true, relocatable: true)

  /// The options a symbol table shows: a `ghes_` function exists only with GHES
  /// (drivers/acpi/apei/ghes.c), an `sdei_` one only with the SDE interface, `tramp_pg_dir`
  /// only with KPTI (vmlinux.lds.S), the image's self-relocation (`__pi_relocate_kernel`,
  /// `__relocate_kernel` before 6.9) only when relocatable. Nil unless the table names
  /// `swapper_pg_dir` at `swapperPgDir`: only a whole table of this kernel can show an
  /// option is off.
  public init?(symbols: SymbolTable, swapperPgDir: UInt64) {
    guard symbols.address(of: "swapper_pg_dir") == swapperPgDir else { return nil }
    let names = symbols.names
    ghes = names.contains { $0.hasPrefix("ghes_") }
    sdei = names.contains { $0.hasPrefix("sdei_") }
    kpti = names.contains("tramp_pg_dir")
    relocatable = names.contains("__pi_relocate_kernel") || names.contains("__relocate_kernel")
  }

  /// `__end_of_fixed_addresses` (fixmap.h as in 6.12.118): FIX_HOLE, FIX_FDT_END, the FDT
  /// window (DIV_ROUND_UP(MAX_FDT_SIZE, PAGE_SIZE) + 1 pages, MAX_FDT_SIZE = 2M),
  /// FIX_EARLYCON_MEM_BASE, FIX_TEXT_POKE0, the optional slots, then the boot-time slots
  /// (NR_FIX_BTMAPS = 256K / PAGE_SIZE + 1, times FIX_BTMAPS_SLOTS = 7) and FIX_PTE to FIX_PGD.
  public func slots(pageSize: UInt64) -> UInt64 {
    let page = max(pageSize, 1)
    var n: UInt64 = 2 + ((2 << 20) + page - 1) / page + 1
    n += 2
    if ghes { n += sdei ? 4 : 2 }
    if kpti { n += relocatable ? 4 : 3 }
    n += ((256 << 10) / page + 1) * 7
    return n + 5
  }
}
