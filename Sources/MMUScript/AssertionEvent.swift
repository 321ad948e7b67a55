import MMUSyntax

/// `assert …` and `expect …`: whether the check passed and the facts it compared, as data.
/// The shell words the facts (once, for text and JSON alike), so the interpreter builds no
/// text on the assertion path.
public struct AssertionEvent: Sendable, Equatable {
  public var passed: Bool
  /// What was checked, what it expected and what it found.
  public var check: AssertionCheck
  /// The user's `, "message"`, as the language's value formatter printed it.
  public var message: String?
  public var range: SourceRange

  public init(passed: Bool, check: AssertionCheck, message: String?, range: SourceRange) {
    self.passed = passed
    self.check = check
    self.message = message
    self.range = range
  }
}
