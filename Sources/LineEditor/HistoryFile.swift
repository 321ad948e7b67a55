#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// Where the REPL keeps its history, and how the file is created.
public enum HistoryFile {
  /// `$XDG_STATE_HOME/mmush/history` when `XDG_STATE_HOME` is an absolute path, else
  /// `$HOME/.mmush_history`; nil when neither variable helps.
  public static func defaultPath(environment: (String) -> String? = HistoryFile.environment)
    -> String?
  {
    if let state = environment("XDG_STATE_HOME"), state.hasPrefix("/") {
      return (state.hasSuffix("/") ? state : state + "/") + "mmush/history"
    }
    if let home = environment("HOME"), home.hasPrefix("/") {
      return (home.hasSuffix("/") ? home : home + "/") + ".mmush_history"
    }
    return nil
  }

  /// The process environment.
  public static func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }

  /// Creates the file's folders (mode 0700) and the file itself (mode 0600) when missing, so
  /// that history, which may hold addresses from a private investigation, is never readable by
  /// others. Returns false when the file cannot be created.
  @discardableResult
  public static func prepare(_ path: String) -> Bool {
    makeParents(of: path)
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return false }
    close(fd)
    return true
  }

  /// `mkdir -p` of the folder holding `path`.
  static func makeParents(of path: String) {
    var prefix = ""
    let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
    for (i, part) in parts.enumerated() {
      prefix += (i == 0 ? "" : "/") + part
      if prefix.isEmpty { continue }
      var st = stat()
      if stat(prefix, &st) == 0 { continue }
      _ = mkdir(prefix, 0o700)
    }
  }
}
