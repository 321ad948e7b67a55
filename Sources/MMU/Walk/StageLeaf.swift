/// The result of one stage's walk before the stages are combined.
struct StageLeaf: Sendable, Equatable {
  var output: UInt64
  var level: Int
  var blockBits: Int
  var descriptor: UInt64
  var permissions: Permissions
  /// Stage 1: the MAIR byte; stage 2: MemAttr[3:0].
  var attribute: UInt64
  var shareability: Shareability
  var global: Bool
  var contiguous: Bool
}
