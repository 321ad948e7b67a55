/// What an assertion compared: one case a form of `assert` or `expect`, each carrying the
/// expectation and what was found (the event's `passed` is the verdict).
public enum AssertionCheck: Sendable, Equatable {
  /// `assert EXPR`: the condition's truth is the event's `passed`.
  case condition
  /// `assert walk …`.
  case walk(WalkCheck)
  /// `assert tlb STATE …`.
  case tlb(TLBCheck)
  /// `assert check wx`: the W+X and non-UXN pages ptdump_check_wx counted in `target`'s
  /// kernel half.
  case wx(target: ViewTarget, wxPages: UInt64, nonUXNPages: UInt64)
  /// `assert check aliases`: the pairs of mappings of one output range whose memory types
  /// differ.
  case aliases(target: ViewTarget, count: Int)
  /// `assert find pa`: the mappings found of the range starting at `address`.
  case findPA(target: ViewTarget, address: UInt64, mappings: Int)
  /// `assert diff dump A B`: the rows only one side has.
  case dumpDiff(first: DumpDiffSide, second: DumpDiffSide, rows: Int)
  /// `expect error ["text"] { … }`: `caught` is the message of the error that ended the
  /// block, nil when none did. `text` is as the value formatter printed it.
  case expectError(text: String?, caught: String?)
  /// `expect warning ["text"] { … }`: the messages of the warnings the block reported.
  case expectWarning(text: String?, caught: [String])
}
