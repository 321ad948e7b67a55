/// Why a table page could not be had.
public enum PoolError: Error, Equatable, Sendable {
  /// The pool has no free, suitably aligned run of `bytes`.
  case exhausted(pool: UInt64, size: UInt64, needed: UInt64)
}
