import MMU

/// The `---[ NAME ]---` markers arm64's kernel_page_tables cuts its rows at, as the kernel
/// of a core computes them (arch/arm64/mm/ptdump.c), and what they rest on.
public struct LinuxMarkers: Equatable, Sendable {
  /// Where the fixmap's start came from: a symbol table of the kernel, an assumption, or
  /// nowhere (the pair is left out).
  public enum Fixmap: Equatable, Sendable {
    case symbols(FixmapOptions)
    case assumed(FixmapOptions)
    case leftOut
  }

  public var markers: [PtdumpMarker]
  public var fixmap: Fixmap
  /// The layout followed: 6.9 and later (ptdump_init), or 6.1 to 6.8 (address_markers).
  public var since69: Bool
  /// The symbols show KASAN, whose shadow bounds (a configured offset) no core records:
  /// "Linear Mapping end" (PAGE_END is KASAN_SHADOW_START then) and the Kasan pair are
  /// left out.
  public var kasanLeftOut: Bool
}

extension VMCoreInfo {
  /// The kernel's markers from this note: the release (OSRELEASE), NUMBER(VA_BITS), the
  /// running VA size (TCR_EL1_T1SZ), PAGESIZE, SIZE(page) and the MODULES, VMALLOC and
  /// VMEMMAP bounds. Nil when a value is missing or out of range (no markers then).
  ///
  /// 6.9 and later (ptdump_init): PAGE_OFFSET, PAGE_END, MODULES_VADDR, MODULES_END,
  /// VMALLOC_START, VMALLOC_END, the vmemmap entry of the first running linear address
  /// (`virt_to_page(_PAGE_OFFSET(vabits_actual))`), VMEMMAP_END, PCI_IO_START = VMEMMAP_END
  /// + 8M and its end 16M on, FIXADDR_TOT_START, FIXADDR_TOP = -8M. The fixmap's start
  /// depends on the configuration (`FixmapOptions`): from `symbols` when they are this
  /// kernel's, else assumed to be a distribution's.
  ///
  /// 6.1 to 6.8 (memory.h before "arm64: mm: Move fixmap region above vmemmap region"):
  /// the fixmap and PCI I/O sat below the vmemmap (PCI_IO_END = VMEMMAP_START − 8M,
  /// FIXADDR_TOP = VMEMMAP_START − 32M) and were listed before it; that release's fixmap
  /// enum differs, so the Fixmap pair is left out.
  public func linuxMarkers(symbols: SymbolTable?) -> LinuxMarkers? {
    func value(_ key: String) -> UInt64? {
      guard let text = values[key] else { return nil }
      return Self.parseNumber(key: key, text)
    }
    guard let vaBits = value("NUMBER(VA_BITS)"), (36...52).contains(vaBits),
      let page = value("PAGESIZE"), [4096, 16384, 65536].contains(page),
      let modulesStart = value("NUMBER(MODULES_VADDR)"),
      let modulesEnd = value("NUMBER(MODULES_END)"),
      let vmallocStart = value("NUMBER(VMALLOC_START)"),
      let vmallocEnd = value("NUMBER(VMALLOC_END)"),
      let vmemmapStart = value("NUMBER(VMEMMAP_START)"),
      let vmemmapEnd = value("NUMBER(VMEMMAP_END)")
    else { return nil }
    let t1sz = value("NUMBER(TCR_EL1_T1SZ)") ?? value("NUMBER(tcr_el1_t1sz)") ?? (64 - vaBits)
    guard (12...39).contains(t1sz) else { return nil }
    let running = min(64 - t1sz, vaBits)
    let since69 = release.map { $0.major > 6 || ($0.major == 6 && $0.minor >= 9) } ?? true
    // VA_BITS_MIN: 47 for a 52-bit 16K kernel from 6.9 (LPA2), else 48 above 48 bits.
    let vaBitsMin = vaBits <= 48 ? vaBits : (since69 && page == 16384 ? 47 : 48)
    let pageOffset = 0 &- (UInt64(1) << vaBits)
    let pageEnd = 0 &- (UInt64(1) << (vaBitsMin - 1))
    let swapper = value("SYMBOL(swapper_pg_dir)")
    let known = symbols.flatMap { s in
      swapper.flatMap { FixmapOptions(symbols: s, swapperPgDir: $0) }
    }
    let kasan =
      known != nil && symbols.map { $0.address(of: "kasan_early_init") != nil } == true

    var m: [PtdumpMarker] = []
    func add(_ a: UInt64, _ name: String) { m.append(PtdumpMarker(address: a, name: name)) }
    add(pageOffset, "Linear Mapping start")
    if !kasan { add(pageEnd, "Linear Mapping end") }
    add(modulesStart, "Modules start")
    add(modulesEnd, "Modules end")
    add(vmallocStart, "vmalloc() area")
    add(vmallocEnd, "vmalloc() end")
    let fixmap: LinuxMarkers.Fixmap
    if since69 {
      guard let structPage = value("SIZE(page)"), structPage > 0, structPage <= 4096 else {
        return nil
      }
      let unused = ((0 &- (UInt64(1) << running)) &- pageOffset) / page
      add(vmemmapStart &+ unused &* structPage, "vmemmap start")
      add(vmemmapEnd, "vmemmap end")
      add(vmemmapEnd &+ (8 << 20), "PCI I/O start")
      add(vmemmapEnd &+ (24 << 20), "PCI I/O end")
      let options = known ?? .distribution
      let top = 0 &- UInt64(8 << 20)
      add(top &- options.slots(pageSize: page) &* page, "Fixmap start")
      add(top, "Fixmap end")
      fixmap = known.map { .symbols($0) } ?? .assumed(options)
    } else {
      add(vmemmapStart &- (24 << 20), "PCI I/O start")
      add(vmemmapStart &- (8 << 20), "PCI I/O end")
      add(vmemmapStart, "vmemmap start")
      add(vmemmapEnd, "vmemmap end")
      fixmap = .leftOut
    }
    // The list must rise, as the kernel's does; a note whose values do not is not used.
    for (a, b) in zip(m, m.dropFirst()) where a.address > b.address { return nil }
    return LinuxMarkers(markers: m, fixmap: fixmap, since69: since69, kasanLeftOut: kasan)
  }
}
