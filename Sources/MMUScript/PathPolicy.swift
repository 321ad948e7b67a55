import MMUSyntax

/// Where a script may write (`mem save`, `graph`, the REPL's `:save`). By default only beneath
/// the current directory; `--allow-write DIR` adds folders; `forbidden` (the fuzzers) refuses
/// every write. Scripts come from strangers: this keeps a bug report from writing anywhere else.
///
/// The check resolves the path as the kernel will: the folder part through `realpath` (so
/// `..`, absolute paths and symlinked folders anywhere in the path are judged by where they
/// lead), and a symlink at the last component by its target (a dangling one is refused, since
/// writing through it would create a file wherever it points). It returns the resolved path,
/// which `FileIO.writeBytes` opens with `O_NOFOLLOW` and refuses if it is not a plain file.
///
/// Known limit (TOCTOU): a folder on the path that another process swaps for a symlink
/// between this check and the open is not caught. Only the last component is protected at
/// open time. The scripts this guards against run no code between the two.
struct PathPolicy {
  var allowed: [String]
  var forbidden = false

  /// The resolved path to write, or a diagnostic saying why not.
  func check(_ path: String, range: SourceRange) throws -> String {
    guard !forbidden else {
      throw Diagnostic.error("writing files is disabled in this run", at: range)
    }
    guard !path.isEmpty, !path.utf8.contains(0) else {
      throw Diagnostic.error("invalid file name", at: range)
    }
    guard let cwd = FileIO.realPath(FileIO.currentDirectory()) else {
      throw Diagnostic.error(
        "cannot write '\(path)': the current directory cannot be resolved", at: range)
    }
    let roots = [cwd] + allowed.compactMap { FileIO.realPath($0) }.filter(FileIO.isDirectory)
    let absolute = path.hasPrefix("/") ? path : FileIO.join(cwd, path)
    // Resolve the parent folder (it must exist); the file itself may not exist yet.
    let slash = absolute.lastIndex(of: "/")!
    let parent = absolute[..<slash].isEmpty ? "/" : String(absolute[..<slash])
    let name = String(absolute[absolute.index(after: slash)...])
    guard name != "", name != "..", name != "." else {
      throw Diagnostic.error("cannot write '\(path)': it names a folder, not a file", at: range)
    }
    guard let realParent = FileIO.realPath(parent), FileIO.isDirectory(realParent) else {
      throw Diagnostic.error("cannot write '\(path)': its folder does not exist", at: range)
    }
    var resolved = FileIO.join(realParent, name)
    if FileIO.isSymlink(resolved) {
      guard let target = FileIO.realPath(resolved) else {
        throw Diagnostic.error(
          "refusing to write '\(path)': it is a symbolic link to nothing", at: range)
      }
      resolved = target
    }
    let inside = roots.contains { root in
      resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }
    guard inside else {
      throw Diagnostic.error(
        "refusing to write '\(path)': scripts may write only beneath the current directory",
        at: range, hint: "allow a folder with --allow-write DIR")
    }
    return resolved
  }
}
