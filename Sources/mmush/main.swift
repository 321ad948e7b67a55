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
      when it is not a terminal). Exit status: 0 all good, 1 an assertion failed, 2 a
      diagnostic (usage, syntax or runtime error).
      """,
    version: "0.1.0")

  @Argument(help: "Scripts to run in order ('-' reads standard input).")
  var scripts: [String] = []

  @Option(name: .customShort("c"), help: "Run STATEMENTS given on the command line.")
  var command: String?

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

  @Option(
    name: .customLong("allow-write"), help: "A folder scripts may also write into (repeatable).")
  var allowWrite: [String] = []

  @Option(name: .customShort("I"), help: "A folder to search for imported modules (repeatable).")
  var includes: [String] = []

  func runOptions() -> RunOptions {
    var o = RunOptions()
    o.json = json
    o.quiet = quiet
    o.color = !noColor && getenv("NO_COLOR") == nil && isatty(STDOUT_FILENO) == 1 && !json
    o.interpreter.stopOnFailure = stopOnFailure
    if let maxSteps { o.interpreter.maxSteps = max(1, maxSteps) }
    o.interpreter.allowWrite = allowWrite
    o.interpreter.modulePaths = Interpreter.defaultModulePaths(includes: includes)
    return o
  }

  func run() throws {
    var files: [SourceFile] = []
    if let command { files.append(SourceFile(name: "-c", text: command)) }
    for path in scripts {
      if path == "-" {
        files.append(SourceFile(name: "<stdin>", bytes: readAll(stdin)))
        continue
      }
      guard let f = fopen(path, "rb") else {
        FileHandleErr.write("mmush: cannot open \(path): \(String(cString: strerror(errno)))\n")
        throw ExitCode(2)
      }
      files.append(SourceFile(name: path, bytes: readAll(f)))
      fclose(f)
    }
    if files.isEmpty {
      if isatty(STDIN_FILENO) == 1 {
        let code = REPLDriver(options: runOptions()).run()
        throw ExitCode(code)
      }
      files.append(SourceFile(name: "<stdin>", bytes: readAll(stdin)))
    }
    let runner = Runner(options: runOptions())
    let status = runner.runAll(files)
    if status != 0 { throw ExitCode(status) }
  }

  func readAll(_ f: UnsafeMutablePointer<FILE>) -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, f) }
      if n > 0 { out.append(contentsOf: buffer[0..<n]) }
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

MMUSh.main()
