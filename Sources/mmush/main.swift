import ArgumentParser
import LineEditor
import MMULive
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
    // One paragraph, no line breaks of its own: ArgumentParser wraps it to the terminal.
    discussion:
      "With no script, mmush opens an interactive REPL (or reads a script from standard input "
      + "when it is not a terminal). Each script runs on a fresh machine (registers, memory, "
      + "TLBs, variables): a script that needs another's state includes it. The summary totals "
      + "every script. Exit status: 0 all good, 1 an assertion failed, 2 a diagnostic (usage, "
      + "syntax or runtime error).",
    version: "0.1.0")

  @Argument(
    help: ArgumentHelp(
      "Scripts to run in order, each on a fresh machine ('-' reads standard input).",
      valueName: "script"))
  var scripts: [String] = []

  @Option(
    name: .customShort("c"),
    help: ArgumentHelp(
      "Run statements given on the command line (with scripts: before each of them).",
      valueName: "statements"))
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

  // The limits' defaults are the interpreter's own, so --help shows the values a run uses.
  @Option(
    name: .customLong("max-steps"),
    help: ArgumentHelp("Statements a run may execute.", valueName: "n"))
  var maxSteps: Int = InterpreterOptions().maxSteps

  @Option(
    name: .customLong("max-depth"), help: ArgumentHelp("Nested procedure calls.", valueName: "n"))
  var maxDepth: Int = InterpreterOptions().maxCallDepth

  @Option(
    name: .customLong("max-memory"),
    help: ArgumentHelp("Simulated memory a run may allocate, e.g. 64M or 4G.", valueName: "size"))
  var maxMemory: String = "1G"

  @Option(
    name: .customLong("max-output"),
    help: ArgumentHelp(
      "Entries one command may list: mem read count, dump rows, tlb show.", valueName: "n"))
  var maxOutput: Int = InterpreterOptions().maxOutputItems

  @Option(
    name: .customLong("allow-write"),
    help: ArgumentHelp("A folder scripts may also write into (repeatable).", valueName: "dir"))
  var allowWrite: [String] = []

  @Option(
    name: .customShort("I"),
    help: ArgumentHelp("A folder to search for imported modules (repeatable).", valueName: "dir"))
  var includes: [String] = []

  @Flag(
    help: ArgumentHelp(
      "Also ask QEMU (qemu-system-aarch64) about every at, walk and assert walk; exit 1 when"
        + " an answer differs, 2 when QEMU is missing."))
  var qemu = false

  @Option(
    name: .customLong("qemu-binary"),
    help: ArgumentHelp("The QEMU to run for --qemu.", valueName: "path"))
  var qemuBinary: String?

  @Option(
    name: .customLong("export-image"),
    help: ArgumentHelp(
      "Write the QEMU check (image, vectors, command line, expected PARs) into a folder.",
      valueName: "dir"))
  var exportImage: String?

  @Option(
    name: .customLong("qemu-results"),
    help: ArgumentHelp(
      "Compare with the results file a run of an exported image wrote.", valueName: "file"))
  var qemuResults: String?

  @Option(
    help: ArgumentHelp(
      "Attach to a QEMU gdbstub at HOST:PORT before each script runs (see docs/live.md).",
      valueName: "host:port"))
  var attach: String?

  @Option(
    name: .customLong("live-timeout"),
    help: ArgumentHelp("Seconds a live stub has to answer (default 10).", valueName: "seconds"))
  var liveTimeout: Double?

  func runOptions() -> RunOptions {
    var o = RunOptions()
    o.json = json
    o.quiet = quiet
    o.color = !noColor && getenv("NO_COLOR") == nil && isatty(STDOUT_FILENO) == 1 && !json
    o.interpreter.stopOnFailure = stopOnFailure
    o.interpreter.maxSteps = max(1, maxSteps)
    o.interpreter.maxCallDepth = maxDepth
    o.interpreter.maxOutputItems = maxOutput
    if let bytes = Self.size(maxMemory) { o.interpreter.maxMemory = bytes }
    o.interpreter.allowWrite = allowWrite
    o.qemu.run = qemu || (qemuBinary != nil && qemuResults == nil)
    o.qemu.binary = qemuBinary
    o.qemu.exportDirectory = exportImage
    o.qemu.resultsFile = qemuResults
    if let liveTimeout { o.interpreter.liveTimeout = liveTimeout }
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
    if maxSteps < 1 { throw ValidationError("--max-steps must be at least 1") }
    if !(0...1_000_000).contains(maxDepth) {
      throw ValidationError("--max-depth must be 0...1000000")
    }
    if !(1...100_000_000).contains(maxOutput) {
      throw ValidationError("--max-output must be 1...100000000")
    }
    if let attach, LiveTarget.parseAddress(attach) == nil || attach.contains("\"") {
      throw ValidationError("--attach takes HOST:PORT, such as 127.0.0.1:1234 (not '\(attach)')")
    }
    if let liveTimeout, !(liveTimeout > 0 && liveTimeout <= 3600) {
      throw ValidationError("--live-timeout takes seconds, more than 0 and at most 3600")
    }
    do {
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
    let attachFile = attach.map { SourceFile(name: "--attach", text: "attach \"\($0)\"") }
    let commandFile = command.map { SourceFile(name: "-c", text: $0) }
    // `--core` then `--attach` set up each file's fresh machine, before `-c`.
    let setup = (core.map { [Self.coreStatement($0)] } ?? []) + (attachFile.map { [$0] } ?? [])
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
    BatchSignals.install()
    RSPConnection.shouldStop = BatchSignals.pending
    // With no script, `-c` is the whole run; with scripts, it runs before each.
    if files.isEmpty, let commandFile {
      let runner = Runner(options: runOptions())
      runner.shouldInterrupt = BatchSignals.pending
      let status = runner.runAll([commandFile], preludes: setup)
      if status != 0 { throw ExitCode(status) }
      return
    }
    if files.isEmpty {
      if isatty(STDIN_FILENO) == 1 {
        let prelude = core.map { [Self.coreStatement($0)] } ?? []
        let code = REPLDriver(options: runOptions(), prelude: prelude).run(first: attachFile)
        throw ExitCode(code)
      }
      files.append(SourceFile(name: "<stdin>", bytes: try readAll(stdin, name: "<stdin>")))
    }
    let runner = Runner(options: runOptions())
    runner.shouldInterrupt = BatchSignals.pending
    let status = runner.runAll(files, preludes: setup + (commandFile.map { [$0] } ?? []))
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
