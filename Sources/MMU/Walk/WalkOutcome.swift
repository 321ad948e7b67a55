/// Translation or fault.
public enum WalkOutcome: Sendable, Equatable {
  case translated(Translation)
  case faulted(Fault)

  public var translation: Translation? {
    if case .translated(let t) = self { return t }
    return nil
  }
  public var fault: Fault? {
    if case .faulted(let f) = self { return f }
    return nil
  }
}
