import MMUSyntax

#if canImport(Glibc)
  import Glibc
#endif

extension Interpreter {
  /// `import "linux/arm64"`: the first `linux/arm64.mmu` on the module path, run once per
  /// session in the global scope.
  func importModule(_ s: ImportStmt) throws {
    let name = s.path.hasSuffix(".mmu") ? String(s.path.dropLast(4)) : s.path
    guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else {
      throw Diagnostic.error(
        "a module name is a relative path without '..': \"\(s.path)\"", at: s.pathRange)
    }
    let candidates = options.modulePaths.map { FileIO.join($0, name + ".mmu") }
    guard let path = candidates.first(where: FileIO.isFile) else {
      throw Diagnostic.error(
        "no module \"\(name)\" on the module path", at: s.pathRange,
        hint: options.modulePaths.isEmpty
          ? "no stdlib folder was found; use -I DIR or $MMUSH_PATH"
          : "searched: " + options.modulePaths.joined(separator: ", "))
    }
    let key = FileIO.realPath(path) ?? path
    if fileStack.contains(key) || fileStack.contains(path) {
      throw Diagnostic.error("import cycle: \"\(name)\" is already being imported", at: s.pathRange)
    }
    guard !importedModules.contains(key) else { return }
    importedModules.insert(key)
    try runFile(path, key: key, at: s.pathRange, globalScope: true)
  }

  /// `include "file.mmu"`: relative to the including file, run where it stands.
  func include(_ s: IncludeStmt) throws {
    let base = fileStack.last.map(FileIO.directory(of:)) ?? "."
    let path = FileIO.join(base, s.path)
    guard FileIO.isFile(path) else {
      throw Diagnostic.error("no file \"\(s.path)\" (looked for \(path))", at: s.pathRange)
    }
    let key = FileIO.realPath(path) ?? path
    if fileStack.contains(key) {
      throw Diagnostic.error("include cycle: \"\(s.path)\" is already being run", at: s.pathRange)
    }
    try runFile(path, key: key, at: s.pathRange, globalScope: false)
  }

  func runFile(_ path: String, key: String, at range: SourceRange, globalScope: Bool) throws {
    guard fileStack.count < 64 else {
      throw Diagnostic.error("files nested more than 64 deep", at: range)
    }
    let bytes: [UInt8]
    do { bytes = try FileIO.readBytes(path, limit: FileIO.scriptLimit) } catch let e
      as FileIO.Failure
    {
      throw Diagnostic.error(e.message, at: range)
    }
    // Reading and parsing costs steps too (a step per 16 bytes), so a loop that includes a
    // large file over and over ends at the step limit instead of running for hours.
    try charge(bytes.count / 16, range)
    let file = SourceFile(name: path, bytes: bytes)
    sources[path] = file
    let stmts = try parse(file)
    fileStack.append(key)
    defer { fileStack.removeLast() }
    if globalScope {
      let savedLocals = locals
      let savedBlocks = blockStarts
      locals = []
      blockStarts = []
      defer {
        locals = savedLocals
        blockStarts = savedBlocks
      }
      _ = try execute(stmts)
    } else {
      _ = try execute(stmts)
    }
  }

  /// The module path: the stdlib folder beside the executable or in the source tree, then
  /// $MMUSH_PATH (colon-separated), then the -I folders.
  public static func defaultModulePaths(includes: [String]) -> [String] {
    var paths: [String] = []
    if let exe = FileIO.realPath("/proc/self/exe") {
      var dir = FileIO.directory(of: exe)
      for _ in 0..<5 {
        let candidate = FileIO.join(dir, "stdlib")
        if FileIO.isDirectory(candidate) {
          paths.append(candidate)
          break
        }
        dir = FileIO.directory(of: dir)
      }
    }
    // The source tree: Sources/MMUScript/Modules.swift -> <package>/stdlib.
    let tree = FileIO.join(
      FileIO.directory(of: FileIO.directory(of: FileIO.directory(of: #filePath))), "stdlib")
    if FileIO.isDirectory(tree), !paths.contains(tree) { paths.append(tree) }
    if let env = getenv("MMUSH_PATH") {
      paths += String(cString: env).split(separator: ":").map(String.init).filter { !$0.isEmpty }
    }
    return paths + includes
  }

  /// A file a script reads (`mem load`): relative to the script's folder.
  func resolveReadPath(_ path: String, range: SourceRange) throws -> String {
    if path.hasPrefix("/") { return path }
    let base = fileStack.last.map(FileIO.directory(of:)) ?? "."
    let relative = FileIO.join(base, path)
    return FileIO.isFile(relative) ? relative : path
  }
}
