#if canImport(Glibc)
  import Glibc
#endif

/// Whole-file reads and writes through the C library: the interpreter needs no Foundation,
/// which keeps start-up fast.
enum FileIO {
  struct Failure: Error {
    var message: String
  }

  static func reason() -> String { reason(errno: errno) }

  /// The C library's words for an error number.
  static func reason(errno e: Int32) -> String { String(cString: strerror(e)) }

  /// The largest script `mmush` runs, `include`s or `import`s.
  static let scriptLimit = 64 << 20

  /// The file's bytes, refusing files larger than `limit` and anything but a regular file.
  /// The open does not block, so a FIFO planted where a script reads cannot hang the run.
  static func readBytes(_ path: String, limit: Int = 16 << 20) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { throw Failure(message: "cannot read \(path): \(reason())") }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      throw Failure(message: "cannot read \(path): \(reason())")
    }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
      throw Failure(message: "\(path) is not a regular file")
    }
    guard st.st_size <= limit else {
      throw Failure(message: "\(path) is larger than \(limit >> 20) MiB")
    }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else { throw Failure(message: "cannot read \(path): \(reason())") }
      if n == 0 { break }
      out.append(contentsOf: buffer[0..<n])
      // A file in /proc says it is empty and is not: the size is checked as it is read.
      if out.count > limit { throw Failure(message: "\(path) is larger than \(limit >> 20) MiB") }
    }
    return out
  }

  /// Writes a whole file. The path is one `PathPolicy` returned; this refuses anything the
  /// policy could not see: a symlink at the last component (planted or swapped in since the
  /// check), a FIFO or device (whose open could block), and a file with other hard links
  /// (truncating it would change the file it is linked to, possibly outside the folder).
  static func writeBytes(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      if errno == ELOOP {
        throw Failure(message: "cannot write \(path): it is a symbolic link")
      }
      if errno == ENXIO {
        throw Failure(message: "cannot write \(path): it is not a regular file (a FIFO)")
      }
      throw Failure(message: "cannot write \(path): \(reason())")
    }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw Failure(message: "cannot write \(path): \(reason())") }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
      throw Failure(message: "cannot write \(path): it is not a regular file")
    }
    guard st.st_nlink <= 1 else {
      throw Failure(message: "cannot write \(path): it has other hard links")
    }
    guard ftruncate(fd, 0) == 0 else {
      throw Failure(message: "cannot write \(path): \(reason())")
    }
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { throw Failure(message: "cannot write \(path): \(reason())") }
      done += n
    }
  }

  /// Whether `path` itself (not what it points to) is a symbolic link.
  static func isSymlink(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
  }

  static func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  static func isFile(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
  }

  static func currentDirectory() -> String {
    var buf = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buf, buf.count) != nil else { return "." }
    return buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }

  /// The canonical absolute path (symlinks resolved), or nil if it does not exist.
  static func realPath(_ path: String) -> String? {
    guard let p = realpath(path, nil) else { return nil }
    defer { free(p) }
    return String(cString: p)
  }

  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let d = String(path[..<slash])
    return d.isEmpty ? "/" : d
  }

  static func join(_ dir: String, _ name: String) -> String {
    if name.hasPrefix("/") { return name }
    return dir.hasSuffix("/") ? dir + name : dir + "/" + name
  }
}
