/// What ptdump_check_wx counts (CONFIG_DEBUG_WX): pages of runs that are writable and
/// executable at EL1 (neither PTE_RDONLY nor PTE_PXN), and pages the kernel maps without
/// UXN. Runs with no printed bits (holes) count for neither.
public struct WXCheck: Sendable, Equatable {
  public var wxPages: UInt64 = 0
  public var nonUXNPages: UInt64 = 0
  /// The rows that counted, in address order.
  public var wxRows: [PtdumpRow] = []
  public var nonUXNRows: [PtdumpRow] = []

  public init() {}

  /// Counts over ptdump rows (no markers: the kernel's check walks with none).
  public init(rows: [PtdumpRow], pageSize: UInt64) {
    for r in rows where r.prot != 0 {
      let pages = r.size / pageSize
      if r.prot & LinuxPtdump.uxn == 0 {
        nonUXNPages &+= pages
        nonUXNRows.append(r)
      }
      if r.prot & LinuxPtdump.readOnly == 0 && r.prot & LinuxPtdump.pxn == 0 {
        wxPages &+= pages
        wxRows.append(r)
      }
    }
  }

  public var passed: Bool { wxPages == 0 && nonUXNPages == 0 }
}
