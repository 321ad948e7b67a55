#if canImport(Glibc)
  import Glibc
#endif

/// Whole-file reads and writes through the C library: the interpreter needs no Foundation,
/// which keeps start-up fast.
enum FileIO {
  struct Failure: Error {
    var message: String
  }

  static func reason() -> String { String(cString: strerror(errno)) }

  /// The file's bytes, refusing files larger than `limit`.
  static func readBytes(_ path: String, limit: Int = 16 << 20) throws -> [UInt8] {
    guard let f = fopen(path, "rb") else {
      throw Failure(message: "cannot read \(path): \(reason())")
    }
    defer { fclose(f) }
    var st = stat()
    guard fstat(fileno(f), &st) == 0 else {
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
      let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, f) }
      if n > 0 { out.append(contentsOf: buffer[0..<n]) }
      if n < 65536 { break }
      if out.count > limit { throw Failure(message: "\(path) is larger than \(limit >> 20) MiB") }
    }
    return out
  }

  static func writeBytes(_ path: String, _ bytes: [UInt8]) throws {
    guard let f = fopen(path, "wb") else {
      throw Failure(message: "cannot write \(path): \(reason())")
    }
    defer { fclose(f) }
    let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, bytes.count, f) }
    guard n == bytes.count else { throw Failure(message: "cannot write \(path): \(reason())") }
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
    return String(cString: buf)
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
