/// ANSI colour for results and errors, used only on a terminal and never with NO_COLOR or
/// --no-color.
public struct Style: Sendable {
  public var enabled: Bool
  public init(enabled: Bool) { self.enabled = enabled }
  func wrap(_ s: String, _ code: String) -> String { enabled ? "\u{1b}[\(code)m\(s)\u{1b}[0m" : s }
  public func error(_ s: String) -> String { wrap(s, "1;31") }
  public func warning(_ s: String) -> String { wrap(s, "1;33") }
  public func good(_ s: String) -> String { wrap(s, "32") }
  public func heading(_ s: String) -> String { wrap(s, "1") }
  public func dim(_ s: String) -> String { wrap(s, "2") }
}
