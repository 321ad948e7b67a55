import MMU

/// What a walk, view or table check read: a regime's tables as its base registers point at
/// them now, or a space's tables as built. Events and assertion checks carry it as data; the
/// shell words it (`el1`, `space k`), for text and JSON alike.
public enum ViewTarget: Sendable, Equatable {
  /// A regime word (`el1`, `s2`…): the tables the CPU's registers describe.
  case regime(AccessRegime)
  /// A space, by its name.
  case space(name: String)
}
