#if canImport(Glibc)
  import Glibc
#endif

/// Runs one QEMU (or any program) as a child: output to a file, a bound on its time, and
/// killed by its PID on every path that leaves it running.
struct QEMUProcess {
  /// How a run ended.
  enum Ending: Equatable {
    case exited(Int32)
    case signalled(Int32)
    case timedOut
  }

  /// Starts `arguments` (arguments[0] the program path) with stdout and stderr going to
  /// `outputPath`, and waits at most `seconds`.
  static func run(_ arguments: [String], outputPath: String, seconds: Int) throws(CheckError)
    -> Ending
  {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(
      &actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    argv.append(nil)
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
    guard rc == 0 else {
      throw .qemuMissing("\(arguments[0]): \(String(cString: strerror(rc)))")
    }
    // Poll: a child that outlives the bound is killed and reaped.
    var waited = 0
    let step = 5  // milliseconds
    while true {
      var status: Int32 = 0
      let r = waitpid(pid, &status, WNOHANG)
      if r == pid {
        if status & 0x7F == 0 { return .exited((status >> 8) & 0xFF) }
        return .signalled(status & 0x7F)
      }
      if r < 0 && errno != EINTR {
        kill(pid, SIGKILL)
        return .signalled(SIGKILL)
      }
      if waited >= seconds * 1000 {
        kill(pid, SIGKILL)
        var s: Int32 = 0
        _ = waitpid(pid, &s, 0)
        return .timedOut
      }
      usleep(useconds_t(step * 1000))
      waited += step
    }
  }
}

/// Small file helpers (no Foundation in this package).
enum Files {
  static func write(_ path: String, _ bytes: [UInt8]) throws(CheckError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .file(path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .file(path, reason: String(cString: strerror(errno)))
      }
      done += n
    }
  }

  /// Reads at most `limit` bytes.
  static func read(_ path: String, limit: Int = 1 << 30) throws(CheckError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .file(path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while out.count < limit {
      let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .file(path, reason: String(cString: strerror(errno)))
      }
      if n == 0 { break }
      out += buffer[0..<n]
    }
    return out
  }

  static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
  static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }

  static func makeDirectory(_ path: String) throws(CheckError) {
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
      throw .file(path, reason: String(cString: strerror(errno)))
    }
  }

  /// A new private directory under $TMPDIR or /tmp.
  static func temporaryDirectory() throws(CheckError) -> String {
    let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array((base + "/mmush-qemu-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard made != nil else { throw .file(base, reason: String(cString: strerror(errno))) }
    return String(
      decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  static func removeDirectory(_ path: String, files: [String]) {
    for f in files { unlink(path + "/" + f) }
    rmdir(path)
  }
}
