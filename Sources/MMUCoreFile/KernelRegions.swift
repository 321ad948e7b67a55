/// The kernel VA regions a VMCOREINFO records (arm64 writes NUMBER(MODULES_VADDR),
/// NUMBER(MODULES_END), NUMBER(VMALLOC_START), NUMBER(VMALLOC_END), NUMBER(VMEMMAP_START),
/// NUMBER(VMEMMAP_END) since 6.x): where a ptdump puts its `---[ … ]---` markers.
public struct KernelRegion: Equatable, Sendable {
  public enum Kind: String, Sendable, CaseIterable {
    case modules, vmalloc, vmemmap
  }

  public var kind: Kind
  /// First address, and the exclusive end, as the kernel's constants are.
  public var start: UInt64
  public var end: UInt64

  public init(kind: Kind, start: UInt64, end: UInt64) {
    self.kind = kind
    self.start = start
    self.end = end
  }
}

extension VMCoreInfo {
  static let regionKeys: [(KernelRegion.Kind, String, String)] = [
    (.modules, "NUMBER(MODULES_VADDR)", "NUMBER(MODULES_END)"),
    (.vmalloc, "NUMBER(VMALLOC_START)", "NUMBER(VMALLOC_END)"),
    (.vmemmap, "NUMBER(VMEMMAP_START)", "NUMBER(VMEMMAP_END)"),
  ]

  /// The regions whose bounds are both present, numbers, and in order; sorted by start.
  public var regions: [KernelRegion] {
    var out: [KernelRegion] = []
    for (kind, first, last) in Self.regionKeys {
      guard let s = values[first], let e = values[last],
        let start = Self.parseNumber(key: first, s), let end = Self.parseNumber(key: last, e),
        start < end
      else { continue }
      out.append(KernelRegion(kind: kind, start: start, end: end))
    }
    return out.sorted { $0.start < $1.start }
  }
}
