import MMUSyntax

/// Where a script may write. By default only beneath the current directory, never through
/// `..`, an absolute path elsewhere, or a symlink that leads out; `--allow-write DIR` adds
/// folders. Scripts come from strangers: this keeps a bug report from writing anywhere else.
struct PathPolicy {
  var allowed: [String]

  /// The path to write, or a diagnostic saying why not.
  func check(_ path: String, range: SourceRange) throws -> String {
    guard !path.isEmpty, !path.contains("\0") else {
      throw Diagnostic.error("invalid file name", at: range)
    }
    let cwd = FileIO.realPath(FileIO.currentDirectory()) ?? FileIO.currentDirectory()
    let roots = [cwd] + allowed.compactMap { FileIO.realPath($0) }
    let absolute = path.hasPrefix("/") ? path : FileIO.join(cwd, path)
    // Resolve the parent folder (it must exist); the file itself may not exist yet.
    let parent = FileIO.directory(of: absolute)
    let name = String(absolute[absolute.index(after: absolute.lastIndex(of: "/")!)...])
    guard name != "..", name != ".", let realParent = FileIO.realPath(parent) else {
      throw Diagnostic.error("cannot write '\(path)': its folder does not exist", at: range)
    }
    let target = FileIO.join(realParent, name)
    // A symlink at the final component could point anywhere: follow it and check that too.
    let resolved = FileIO.realPath(target) ?? target
    let inside = roots.contains { root in
      resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }
    guard inside else {
      throw Diagnostic.error(
        "refusing to write '\(path)': scripts may write only beneath the current directory",
        at: range, hint: "allow a folder with --allow-write DIR")
    }
    return target
  }
}
