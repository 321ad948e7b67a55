import MMU
import MMUSyntax

#if canImport(Glibc)
  import Glibc
#endif

/// The table tree of a space as Graphviz: tables as nodes labelled with their address, runs
/// of leaves grouped into one node each so that a 1 GiB map of 4K pages stays readable.
enum GraphBuilder {
  static func dot(
    space: AddressSpace, memory: PhysicalMemory, formatter: ValueFormatter, limit: Int
  ) throws
    -> (String, Int)
  {
    var lines = [
      "digraph \"\(space.name)\" {", "  rankdir=LR;", "  node [shape=box, fontname=\"monospace\"];",
    ]
    var tables = 0
    let g = space.granule
    let ds = space.geometry.ds
    let range = space.inputRange(upper: space.upper ?? false)
    let rootID = "t\(String(space.root, radix: 16))"
    lines.append(
      "  \(rootID) [label=\"L\(space.geometry.startLevel) table\\n\(formatter.hex(space.root))\"];")
    tables += 1
    // Runs of leaves per parent table.
    var runs: [String: [(UInt64, UInt64, Int, UInt64)]] = [:]
    var parentOf: [Int: String] = [space.geometry.startLevel: rootID]
    var order: [String] = []
    try space.visit(from: range.lowerBound, through: range.upperBound, memory: memory) { phase, e in
      let parent = parentOf[e.level] ?? rootID
      switch phase {
      case .tablePre:
        let child = Descriptor(e.descriptor).address(granule: g, ds: ds, outputBits: 52)
        let id = "t\(String(child, radix: 16))"
        tables += 1
        guard tables <= limit else {
          throw Diagnostic.error(
            "graph stopped after \(limit) tables",
            at: SourceRange(at: SourceLocation(file: "", line: 0, column: 0, offset: 0)))
        }
        lines.append("  \(id) [label=\"L\(e.level + 1) table\\n\(formatter.hex(child))\"];")
        lines.append("  \(parent) -> \(id) [label=\"[\(formatter.hex(e.inputAddress))]\"];")
        parentOf[e.level + 1] = id
      case .leaf:
        guard e.kind.isLeaf else { return }
        let out = Descriptor(e.descriptor).address(
          granule: g, ds: ds, outputBits: 52, level: e.level)
        if runs[parent] == nil { order.append(parent) }
        var list = runs[parent, default: []]
        if let lastRun = list.last, lastRun.1 &+ 1 == e.inputAddress, lastRun.2 == e.level {
          list[list.count - 1].1 = e.lastAddress
        } else {
          list.append((e.inputAddress, e.lastAddress, e.level, out))
        }
        runs[parent] = list
      case .tablePost: return
      }
    }
    for parent in order {
      for (i, run) in (runs[parent] ?? []).enumerated() {
        let id = "\(parent)_r\(i)"
        let size = run.1 &- run.0 &+ 1
        lines.append(
          "  \(id) [shape=note, label=\"\(formatter.hex(run.0))..\(formatter.hex(run.1))\\n\(Builtins.human(size)) as L\(run.2) leaves\\n-> \(formatter.hex(run.3))\"];"
        )
        lines.append("  \(parent) -> \(id);")
      }
    }
    lines.append("}")
    return (lines.joined(separator: "\n") + "\n", tables)
  }

  /// Runs Graphviz `dot` with an argument vector (never a shell). Returns a note when `dot`
  /// is missing, after writing the .dot source beside the target instead.
  static func render(dot: String, to target: String) throws -> String? {
    let format = target.hasSuffix(".png") ? "png" : "svg"
    let dotPath = ["/usr/bin/dot", "/usr/local/bin/dot", "/bin/dot"].first(where: FileIO.isFile)
    let source = String(target.dropLast(4)) + ".dot"
    try FileIO.writeBytes(source, Array(dot.utf8))
    guard let dotPath else {
      return
        "Graphviz 'dot' is not installed: wrote \(source) instead of \(target) (apt-get install graphviz)"
    }
    let args = [dotPath, "-T\(format)", "-o", target, source]
    var cargs = args.map { strdup($0) } + [nil]
    defer { cargs.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, dotPath, nil, nil, &cargs, environ)
    guard rc == 0 else {
      throw FileIO.Failure(message: "cannot run dot: \(String(cString: strerror(rc)))")
    }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    guard status == 0 else { throw FileIO.Failure(message: "dot failed with status \(status)") }
    return nil
  }
}
