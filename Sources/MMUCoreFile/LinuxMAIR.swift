/// MAIR_EL1 as Linux programs it (`MAIR_EL1_SET` in arch/arm64/mm/proc.S), by release.
///
/// The attribute slots (`MT_*` in arch/arm64/include/asm/memory.h) changed twice; a core does
/// not hold MAIR_EL1, so it is chosen by OSRELEASE. The Normal-Tagged slot holds Normal
/// (0xff) until `__cpu_setup` finds MTE, so a core of a CPU without MTE reads 0xff there.
/// docs/cores.md has the table.
public enum LinuxMAIR {
  public struct Layout: Sendable, Equatable {
    /// The first release with this layout.
    public var since: (major: Int, minor: Int)
    /// MAIR_EL1's value.
    public var value: UInt64
    /// What changed, for the summary and the documentation.
    public var note: String
    public static func == (a: Layout, b: Layout) -> Bool { a.value == b.value }
  }

  /// Oldest first.
  public static let layouts: [Layout] = [
    Layout(
      since: (3, 7), value: 0x0000_bbff_440c_0400,
      note: "0 Device-nGnRnE, 1 Device-nGnRE, 2 Device-GRE, 3 Normal-NC, 4 Normal, 5 Normal-WT"),
    Layout(
      since: (5, 10), value: 0x000c_0400_bb44_ffff,
      note:
        "0 Normal, 1 Normal-Tagged, 2 Normal-NC, 3 Normal-WT, 4 Device-nGnRnE, 5 Device-nGnRE, 6 Device-GRE (MTE)"
    ),
    Layout(
      since: (6, 0), value: 0x0000_0004_0044_ffff,
      note: "0 Normal, 1 Normal-Tagged, 2 Normal-NC, 3 Device-nGnRnE, 4 Device-nGnRE"),
  ]

  /// The layout of a release (the newest when the release is unknown).
  public static func layout(for release: (major: Int, minor: Int)?) -> Layout {
    guard let r = release else { return layouts[layouts.count - 1] }
    var chosen = layouts[0]
    for l in layouts where (r.major, r.minor) >= (l.since.major, l.since.minor) { chosen = l }
    return chosen
  }
}
