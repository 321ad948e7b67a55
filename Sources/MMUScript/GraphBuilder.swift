import MMU
import MMUSyntax

#if canImport(Glibc)
  import Glibc
#endif

/// A graph view: the tables of a space as a scan found them. The shell turns it into
/// Graphviz source (MMUShell's DOTText); the interpreter writes that where the script asked.
public struct GraphView {
  public var space: AddressSpace
  public var scan: TableScan
}

/// Graphviz source for a graph view, and what it drew.
public struct GraphSource: Sendable {
  public var text: String
  /// Nodes standing for several sibling tables of leaves.
  public var groups: Int
  /// Leaf-run nodes.
  public var runs: Int
  public init(text: String, groups: Int, runs: Int) {
    self.text = text
    self.groups = groups
    self.runs = runs
  }
}

/// Running Graphviz `dot` on a graph's source, bounded in time (the source itself is made by
/// the shell).
enum GraphBuilder {
  enum Rendering: Equatable {
    case rendered
    case dotMissing
  }

  /// Where `dot` is: $MMUSH_DOT when set (a path; one that is not an executable file means
  /// "not installed", which is how tests simulate a machine without Graphviz), else each
  /// absolute folder of $PATH, then the usual places. A relative $PATH entry (`.`) is
  /// skipped: a script's folder could otherwise bring its own `dot` to run.
  static func findDot(environment: (String) -> String? = GraphBuilder.environment) -> String? {
    func executable(_ p: String) -> Bool { FileIO.isFile(p) && access(p, X_OK) == 0 }
    if let forced = environment("MMUSH_DOT") { return executable(forced) ? forced : nil }
    let folders =
      (environment("PATH") ?? "").split(separator: ":").map(String.init).filter {
        $0.hasPrefix("/")
      }
      + ["/usr/bin", "/usr/local/bin", "/bin"]
    return folders.map { $0 + "/dot" }.first(where: executable)
  }

  static func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }

  /// Seconds `dot` may run: 60, or $MMUSH_DOT_TIMEOUT (the tests use a short one).
  static var dotTimeout: Int {
    environment("MMUSH_DOT_TIMEOUT").flatMap { Int($0) }.map { max(1, $0) } ?? 60
  }

  /// Runs Graphviz `dot` on `source` with an argument vector (never a shell), or says it is
  /// missing.
  static func render(source: String, to target: String, format: String, dot: String?)
    throws -> Rendering
  {
    guard let dotPath = dot else { return .dotMissing }
    let args = [dotPath, "-T\(format)", "-o", target, source]
    var cargs = args.map { strdup($0) } + [nil]
    defer { for c in cargs { free(c) } }
    var pid: pid_t = 0
    // Its own process group, so a timeout kills whatever it started too.
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attr, 0)
    let rc = posix_spawn(&pid, dotPath, nil, &attr, &cargs, environ)
    guard rc == 0 else {
      throw FileIO.Failure(message: "cannot run \(dotPath): \(String(cString: strerror(rc)))")
    }
    // dot on a huge graph can run for hours: it gets `dotTimeout` seconds, then is killed.
    var status: Int32 = 0
    var waited = 0
    let timeout = dotTimeout
    while true {
      let r = waitpid(pid, &status, WNOHANG)
      if r == pid || (r == -1 && errno != EINTR) { break }
      if waited >= timeout * 100 {
        kill(-pid, SIGKILL)
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        throw FileIO.Failure(
          message: "\(dotPath) ran for more than \(timeout) s making \(target): stopped")
      }
      usleep(10_000)
      waited += 1
    }
    guard status == 0 else {
      throw FileIO.Failure(message: "\(dotPath) failed (wait status \(status)) making \(target)")
    }
    return .rendered
  }
}
