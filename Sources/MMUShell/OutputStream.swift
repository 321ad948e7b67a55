#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// Where rendered text goes: standard output/error, or a string (tests, benchmarks).
public protocol TextOutput: AnyObject {
  func write(_ text: String)
  /// UTF-8 bytes a renderer wrote (`ByteWriter`): one call per event or per 64 KiB of a view.
  func write(utf8 bytes: UnsafeBufferPointer<UInt8>)
  func flush()
}

extension TextOutput {
  public func write(utf8 bytes: UnsafeBufferPointer<UInt8>) {
    write(String(decoding: bytes, as: UTF8.self))
  }

  /// Hands a writer's bytes over and empties it.
  func write(_ w: inout ByteWriter) {
    if w.isEmpty { return }
    w.withUnsafeBytes { write(utf8: $0) }
    w.removeAll()
  }
}

/// Buffered writes to a C stream: one fwrite per line batch, flushed before anything is
/// written to the other stream so that output keeps its order.
public final class StreamOutput: TextOutput, @unchecked Sendable {
  let stream: UnsafeMutablePointer<FILE>
  /// Whether the stream is a terminal, asked once (the text renderer measures the width of
  /// a terminal at every walk line; a file or pipe then costs no system call a line).
  public let isTerminal: Bool
  public init(_ stream: UnsafeMutablePointer<FILE>) {
    self.stream = stream
    self.isTerminal = isatty(fileno(stream)) == 1
  }
  /// Both wrap process-wide streams; the C library serialises access to them.
  public static let standardOutput = StreamOutput(stdout)
  public static let standardError = StreamOutput(stderr)
  public func write(_ text: String) {
    var t = text
    t.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, stream) }
  }
  /// Straight into the C stream's buffer, which reaches the file descriptor in large writes.
  public func write(utf8 bytes: UnsafeBufferPointer<UInt8>) {
    _ = fwrite(bytes.baseAddress, 1, bytes.count, stream)
  }
  public func flush() { fflush(stream) }
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
  public func write(utf8 bytes: UnsafeBufferPointer<UInt8>) {}
  public func flush() {}
}
