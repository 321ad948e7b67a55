import CSupport

/// Measures how much of the current thread's stack is left, so deep recursion in a script
/// (procedures, nested blocks) becomes a diagnostic instead of a crash, whatever stack the
/// thread was given (8 MiB on the main thread, far less on a test or REPL worker thread).
struct StackGuard {
  /// Lowest stack address the interpreter may reach; recursion stops above it.
  let floor: UInt

  /// Margin kept free below the limit for the frames of one statement's evaluation.
  static let margin: UInt = 256 << 10

  init() {
    var low: UnsafeMutableRawPointer?
    var size = 0
    var floor: UInt = 0
    if mmush_stack_bounds(&low, &size) == 0, let low {
      floor = UInt(bitPattern: low) &+ Self.margin
    }
    self.floor = floor
  }

  /// Whether the stack still has room for another level of recursion.
  @inline(never)
  func hasRoom() -> Bool {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) } > floor
  }
}
