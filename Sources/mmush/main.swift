import ArgumentParser
import MMUScript
import MMUShell
import MMUSyntax

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// The command line: batch runs of scripts, one-liners, standard input, or the REPL.
struct MMUSh: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mmush",
    abstract: "The MMU shell: an executable model of the AArch64 MMU with a scripting language.",
    discussion: """
      With no script, mmush opens an interactive REPL (or reads a script from standard input
      when it is not a terminal). Each script runs on a fresh machine (registers, memory,
      TLBs, variables): a script that needs another's state includes it. The summary totals
      every script. Exit status: 0 all good, 1 an assertion failed, 2 a diagnostic (usage,
      syntax or runtime error).
      """,
    version: "0.1.0")

  @Argument(help: "Scripts to run in order, each on a fresh machine ('-' reads standard input).")
  var scripts: [String] = []

  @Option(
    name: .customShort("c"),
    help: "Run STATEMENTS given on the command line (with scripts: before each of them).")
  var command: String?

  @Option(
    name: .customLong("core"),
    help: "Load an ELF kernel core (vmcore, QEMU dump-guest-memory) first, as `load core`.")
  var core: String?

  @Flag(help: "Print one JSON object per line for each result and diagnostic.")
  var json = false

  @Flag(help: "Print only failures, warnings and errors.")
  var quiet = false

  @Flag(name: .customLong("no-color"), help: "Never colour the output.")
  var noColor = false

  @Flag(name: .customLong("stop-on-failure"), help: "Stop at the first failed assertion.")
  var stopOnFailure = false

  @Option(name: .customLong("max-steps"), help: "Statements a run may execute (default 50000000).")
  var maxSteps: Int?

  @Option(name: .customLong("max-depth"), help: "Nested procedure calls (default 200).")
  var maxDepth: Int?

  @Option(
    name: .customLong("max-memory"),
    help: "Simulated memory a run may allocate, e.g. 64M or 4G (default 1G).")
  var maxMemory: String?

  @Option(
    name: .customLong("max-output"),
    help: "Entries one command may list: mem read count, dump rows, tlb show (default 1000000).")
  var maxOutput: Int?

  @Option(
    name: .customLong("allow-write"), help: "A folder scripts may also write into (repeatable).")
  var allowWrite: [String] = []

  @Option(name: .customShort("I"), help: "A folder to search for imported modules (repeatable).")
  var includes: [String] = []

  @Flag(
    help: ArgumentHelp(
      "Also ask QEMU (qemu-system-aarch64) about every at, walk and assert walk; exit 1 when"
        + " an answer differs, 2 when QEMU is missing."))
  var qemu = false

  @Option(name: .customLong("qemu-binary"), help: "The QEMU to run for --qemu.")
  var qemuBinary: String?

  @Option(
    name: .customLong("export-image"),
    help: "Write the QEMU check (image, vectors, command line, expected PARs) into DIR.")
  var exportImage: String?

  @Option(
    name: .customLong("qemu-results"),
    help: "Compare with the results FILE a run of an exported image wrote.")
  var qemuResults: String?

  func runOptions() -> RunOptions {
    var o = RunOptions()
    o.json = json
    o.quiet = quiet
    o.color = !noColor && getenv("NO_COLOR") == nil && isatty(STDOUT_FILENO) == 1 && !json
    o.interpreter.stopOnFailure = stopOnFailure
    if let maxSteps { o.interpreter.maxSteps = max(1, maxSteps) }
    if let maxDepth { o.interpreter.maxCallDepth = maxDepth }
    if let maxOutput { o.interpreter.maxOutputItems = maxOutput }
    if let maxMemory, let bytes = Self.size(maxMemory) { o.interpreter.maxMemory = bytes }
    o.interpreter.allowWrite = allowWrite
    o.qemu.run = qemu || (qemuBinary != nil && qemuResults == nil)
    o.qemu.binary = qemuBinary
    o.qemu.exportDirectory = exportImage
    o.qemu.resultsFile = qemuResults
    o.interpreter.modulePaths = Interpreter.defaultModulePaths(includes: includes)
    return o
  }

  mutating func validate() throws {
    if json && (qemu || qemuBinary != nil || exportImage != nil || qemuResults != nil) {
      throw ValidationError("the QEMU check reports in text: drop --json")
    }
    if qemu && qemuResults != nil {
      throw ValidationError(
        "--qemu runs QEMU; --qemu-results reads another run's results: pick one")
    }
    if let maxSteps, maxSteps < 1 { throw ValidationError("--max-steps must be at least 1") }
    if let maxDepth, !(0...1_000_000).contains(maxDepth) {
      throw ValidationError("--max-depth must be 0...1000000")
    }
    if let maxOutput, !(1...100_000_000).contains(maxOutput) {
      throw ValidationError("--max-output must be 1...100000000")
    }
    if let maxMemory {
      guard let bytes = Self.size(maxMemory), bytes >= 4096, bytes <= 1 << 52 else {
        throw ValidationError(
          "--max-memory takes a size from 4K to 4P, such as 65536, 64M or 4G (not '\(maxMemory)')")
      }
    }
  }

  /// A size as the language writes it: decimal or 0x hex, then an optional K M G T P.
  static func size(_ text: String) -> UInt64? {
    var digits = Substring(text.lowercased())
    var shift: UInt64 = 0
    if let last = digits.last, let i = ["k", "m", "g", "t", "p"].firstIndex(of: last) {
      shift = UInt64(10 * (i + 1))
      digits = digits.dropLast()
    }
    let value =
      digits.hasPrefix("0x") ? UInt64(digits.dropFirst(2), radix: 16) : UInt64(digits, radix: 10)
    guard let value, value <= (UInt64.max >> shift) else { return nil }
    return value << shift
  }

  /// `load core "FILE"` for `--core FILE`, the path written as a string literal.
  static func coreStatement(_ path: String) -> SourceFile {
    var literal = ""
    for c in path.unicodeScalars {
      switch c {
      case "\\": literal += "\\\\"
      case "\"": literal += "\\\""
      case "\n": literal += "\\n"
      case "\t": literal += "\\t"
      default: literal.unicodeScalars.append(c)
      }
    }
    return SourceFile(name: "--core", text: "load core \"\(literal)\"\n")
  }

  func run() throws {
    var files: [SourceFile] = []
    let corePrelude = core.map { [Self.coreStatement($0)] } ?? []
    let prelude = command.map { SourceFile(name: "-c", text: $0) }
    for path in scripts {
      if path == "-" {
        files.append(SourceFile(name: "<stdin>", bytes: try readAll(stdin, name: "<stdin>")))
        continue
      }
      guard let f = fopen(path, "rb") else {
        FileHandleErr.write("mmush: cannot open \(path): \(String(cString: strerror(errno)))\n")
        throw ExitCode(2)
      }
      defer { fclose(f) }
      files.append(SourceFile(name: path, bytes: try readAll(f, name: path)))
    }
    // With no script, `-c` is the whole run; with scripts, it runs before each.
    if files.isEmpty, let prelude {
      let status = Runner(options: runOptions()).runAll([prelude], preludes: corePrelude)
      if status != 0 { throw ExitCode(status) }
      return
    }
    if files.isEmpty {
      if isatty(STDIN_FILENO) == 1 {
        let code = REPLDriver(options: runOptions(), prelude: corePrelude).run()
        throw ExitCode(code)
      }
      files.append(SourceFile(name: "<stdin>", bytes: try readAll(stdin, name: "<stdin>")))
    }
    let runner = Runner(options: runOptions())
    // `--core` loads the core into each file's fresh machine, before `-c`.
    let status = runner.runAll(files, preludes: corePrelude + (prelude.map { [$0] } ?? []))
    if status != 0 { throw ExitCode(status) }
  }

  /// The whole stream, up to the 64 MiB a script may have: an endless input (`mmush - <
  /// /dev/zero`) is a usage error, not a host out of memory.
  func readAll(_ f: UnsafeMutablePointer<FILE>, name: String) throws -> [UInt8] {
    let limit = 64 << 20
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, f) }
      if n > 0 { out.append(contentsOf: buffer[0..<n]) }
      if out.count > limit {
        FileHandleErr.write("mmush: \(name) is larger than \(limit >> 20) MiB\n")
        throw ExitCode(2)
      }
      if n < 65536 { break }
    }
    return out
  }
}

enum FileHandleErr {
  static func write(_ s: String) {
    var t = s
    t.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, stderr) }
  }
}

// ArgumentParser exits 64 (EX_USAGE) on a usage error; mmush's status for any diagnostic,
// usage included, is 2.
do {
  var command = try MMUSh.parseAsRoot()
  try command.run()
} catch {
  guard MMUSh.exitCode(for: error) == .validationFailure else { MMUSh.exit(withError: error) }
  FileHandleErr.write(MMUSh.fullMessage(for: error) + "\n")
  exit(2)
}
