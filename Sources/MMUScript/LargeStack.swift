import CSupport

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a closure on a thread with a large stack and waits for it. Script recursion
/// (procedures, nested blocks) then reaches the interpreter's call limit in every build and on
/// every calling thread; debug builds use tens of KiB of stack per script call level. The
/// stack is reserved address space: only the pages touched cost memory.
enum LargeStack {
  static let bytes = 512 << 20

  final class Job: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
  }

  static func run(_ body: @escaping () -> Void) {
    // Already on a stack this large (a fuzzer or server running many scripts on one big
    // thread): run here, saving a thread and a 512 MiB reservation per run.
    if stackLeft() >= bytes - (1 << 20) { return body() }
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    defer { pthread_attr_destroy(&attr) }
    guard pthread_attr_setstacksize(&attr, bytes) == 0 else { return body() }
    let job = Unmanaged.passRetained(Job(body))
    var thread = pthread_t()
    let rc = pthread_create(
      &thread, &attr,
      { raw in
        let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
        job.body()
        return nil
      }, job.toOpaque())
    guard rc == 0 else {
      // No thread could be made: run here, with the stack guard still in force.
      job.takeRetainedValue().body()
      return
    }
    pthread_join(thread, nil)
  }

  /// Bytes of stack left below the caller on the current thread (0 when unknown).
  @inline(never)
  static func stackLeft() -> Int {
    var low: UnsafeMutableRawPointer?
    var size = 0
    guard mmush_stack_bounds(&low, &size) == 0, let low else { return 0 }
    var marker: UInt8 = 0
    let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    let bottom = UInt(bitPattern: low)
    return here > bottom ? Int(here - bottom) : 0
  }
}
