#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// Where rendered text goes: standard output/error, or a string (tests, benchmarks).
public protocol TextOutput: AnyObject {
  func write(_ text: String)
  func flush()
}

/// Buffered writes to a C stream: one fwrite per line batch, flushed before anything is
/// written to the other stream so that output keeps its order.
public final class StreamOutput: TextOutput, @unchecked Sendable {
  let stream: UnsafeMutablePointer<FILE>
  public init(_ stream: UnsafeMutablePointer<FILE>) { self.stream = stream }
  /// Both wrap process-wide streams; the C library serialises access to them.
  public static let standardOutput = StreamOutput(stdout)
  public static let standardError = StreamOutput(stderr)
  public func write(_ text: String) {
    var t = text
    t.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, stream) }
  }
  public func flush() { fflush(stream) }
  public var isTerminal: Bool { isatty(fileno(stream)) == 1 }
}

/// Collects text in memory.
public final class StringOutput: TextOutput {
  public private(set) var text = ""
  public init() {}
  public func write(_ s: String) { text += s }
  public func flush() {}
}

/// Discards everything (benchmarks of scripted walks).
public final class NullOutput: TextOutput {
  public init() {}
  public func write(_ s: String) {}
  public func flush() {}
}
