#if canImport(Glibc)
  import Glibc
#endif

/// Random access to a file's bytes for the ELF reader: the real file through `pread`, or an
/// array (tests, the fuzz target). Only headers and notes are read this way; memory is
/// mapped, never read through a byte source.
public protocol ByteSource {
  /// The file's size in bytes.
  var size: UInt64 { get }
  /// `count` bytes at `offset`; throws `truncated` when the file is shorter.
  func bytes(at offset: UInt64, count: Int, what: String) throws(CoreFileError) -> [UInt8]
}

extension ByteSource {
  /// Checks that `count` bytes at `offset` lie inside the file, with overflow checked.
  func checkRange(_ offset: UInt64, _ count: UInt64, what: String) throws(CoreFileError) {
    let (end, o) = offset.addingReportingOverflow(count)
    guard !o, end <= size else {
      throw .truncated(what: what, offset: offset, needed: count, fileSize: size)
    }
  }
}

/// An array as a byte source.
public struct ArrayByteSource: ByteSource {
  public let data: [UInt8]
  public init(_ data: [UInt8]) { self.data = data }
  public var size: UInt64 { UInt64(data.count) }
  public func bytes(at offset: UInt64, count: Int, what: String) throws(CoreFileError) -> [UInt8] {
    try checkRange(offset, UInt64(count), what: what)
    let start = Int(offset)
    return Array(data[start..<start + count])
  }
}

/// An open regular file, read with `pread`. The open does not block, so a FIFO is refused
/// rather than waited on.
public final class FileByteSource: ByteSource {
  public let fd: Int32
  public let size: UInt64

  public init(path: String) throws(CoreFileError) {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { throw .io(errno: errno) }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      let e = errno
      close(fd)
      throw .io(errno: e)
    }
    let kind = st.st_mode & S_IFMT
    guard kind == S_IFREG else {
      close(fd)
      throw .notRegularFile(kind: Self.kindName(kind))
    }
    self.fd = fd
    self.size = UInt64(max(st.st_size, 0))
  }

  deinit { close(fd) }

  static func kindName(_ kind: mode_t) -> String {
    switch kind {
    case S_IFDIR: "a directory"
    case S_IFIFO: "a FIFO"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFSOCK: "a socket"
    default: "not a regular file"
    }
  }

  public func bytes(at offset: UInt64, count: Int, what: String) throws(CoreFileError) -> [UInt8] {
    try checkRange(offset, UInt64(count), what: what)
    var out = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
      let n = out.withUnsafeMutableBytes {
        pread(fd, $0.baseAddress! + done, count - done, off_t(offset + UInt64(done)))
      }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else {
        if n == 0 {
          throw .truncated(what: what, offset: offset, needed: UInt64(count), fileSize: size)
        }
        throw .io(errno: errno)
      }
      done += n
    }
    return out
  }
}

/// Little-endian field reads from a byte array at fixed offsets (the caller sized it).
extension Array where Element == UInt8 {
  func le16(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
  func le32(_ at: Int) -> UInt32 { UInt32(le16(at)) | UInt32(le16(at + 2)) << 16 }
  func le64(_ at: Int) -> UInt64 { UInt64(le32(at)) | UInt64(le32(at + 4)) << 32 }
}
