/// What a mapping operation did.
public struct MapReport: Sendable, Equatable {
  public var tablesAllocated = 0
  public var tablesFreed = 0
  public var entriesWritten = 0
  public var warnings: [ModelWarning] = []
  public init() {}
}
