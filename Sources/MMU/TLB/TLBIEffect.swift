/// The entries an invalidation touched on one CPU, sorted.
public struct TLBIEffect: Sendable, Equatable {
  public var cpu: Int
  public var entries: [TLBEntry]
  public var walkEntries: [WalkCacheEntry]
}
