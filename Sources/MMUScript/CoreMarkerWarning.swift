/// What a core cannot tell about its kernel's ptdump markers (docs/cores.md), said once per
/// layout in a warning. Data: the shell words it (WarningText), through the sink, since
/// `expect warning` matches the words.
public enum CoreMarkerWarning: String, Sendable, CaseIterable {
  /// No symbols of this kernel: the fixmap's size is assumed to be a distribution's.
  case fixmapAssumed = "fixmap-assumed"
  /// A kernel before 6.9: its fixmap's start is not in the core, so the Fixmap pair is left
  /// out.
  case fixmapLeftOut = "fixmap-left-out"
  /// KASAN: its shadow bounds are in no core, so 'Linear Mapping end' and the Kasan pair are
  /// left out.
  case kasanLeftOut = "kasan-left-out"
}
