/// The kind of memory access being translated.
public enum AccessType: Int, Sendable, CaseIterable, CustomStringConvertible {
  case read, write, exec
  public var description: String {
    switch self {
    case .read: "read"
    case .write: "write"
    case .exec: "exec"
    }
  }
}
