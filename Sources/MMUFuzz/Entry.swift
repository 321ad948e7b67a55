#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// The fuzz targets, by name. `--target=script` (default), `--target=walker` or
/// `--target=core` picks one.
enum Target: String {
  case script, walker, core

  func run(_ data: [UInt8]) {
    switch self {
    case .script: ScriptTarget.run(data)
    case .walker: WalkerTarget.run(data)
    case .core: CoreTarget.run(data)
    }
  }

  /// The target named by a `--target=NAME` argument, and the arguments without it.
  static func parse(_ arguments: [String]) -> (Target, [String])? {
    var target = Target.script
    var rest: [String] = []
    for a in arguments {
      if a.hasPrefix("--target=") {
        guard let t = Target(rawValue: String(a.dropFirst("--target=".count))) else {
          return nil
        }
        target = t
      } else {
        rest.append(a)
      }
    }
    return (target, rest)
  }
}

nonisolated(unsafe) var selectedTarget = Target.script

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  selectedTarget.run(bytes)
  return 0
}

func usage() -> Never {
  fputs(
    "usage: MMUFuzz [--target=script|walker|core] [libFuzzer flags] [CORPUS_DIR|FILE ...]\n", stderr
  )
  exit(2)
}

#if FUZZING
  import CFuzzerDriver

  /// SwiftPM links executables with `--defsym main=MMUFuzz_main`: this is the process's main.
  /// It takes out `--target=` and hands the rest to libFuzzer.
  @_cdecl("MMUFuzz_main")
  func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> CInt
  {
    let all = (0..<Int(argc)).map { String(cString: argv![$0]!) }
    guard let (target, rest) = Target.parse(all) else { usage() }
    selectedTarget = target
    fuzzArguments = rest
    // The driver runs on one thread with the interpreter's large stack, so each script runs
    // on it directly instead of on a new 512 MiB thread per input.
    // libFuzzer's -timeout alarm only counts when SIGALRM arrives on the fuzzing thread:
    // this thread blocks it (the new thread inherits the mask and unblocks it).
    setAlarmBlocked(true)
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    pthread_attr_setstacksize(&attr, 520 << 20)
    var thread = pthread_t()
    let rc = pthread_create(
      &thread, &attr,
      { _ in
        setAlarmBlocked(false)
        var cArgs = fuzzArguments.map { strdup($0) } + [nil]
        var count = CInt(fuzzArguments.count)
        let status = cArgs.withUnsafeMutableBufferPointer { buffer in
          var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
          return LLVMFuzzerRunDriver(&count, &pointer, fuzzOneInput)
        }
        exit(status)
      }, nil)
    guard rc == 0 else {
      fputs("MMUFuzz: cannot start the fuzzing thread\n", stderr)
      return 1
    }
    pthread_join(thread, nil)
    return 0
  }

  nonisolated(unsafe) var fuzzArguments: [String] = []

  func setAlarmBlocked(_ blocked: Bool) {
    var alarm = sigset_t()
    sigemptyset(&alarm)
    sigaddset(&alarm, SIGALRM)
    pthread_sigmask(blocked ? SIG_BLOCK : SIG_UNBLOCK, &alarm, nil)
  }
#else
  /// A plain build replays inputs: every file named, and every file below each folder named,
  /// through the target, in sorted order. A crash here is a regression; `swift test` runs this
  /// over the seed corpus and the kept crash inputs.
  @main
  enum Replay {
    static func main() {
      guard let (target, paths) = Target.parse(Array(CommandLine.arguments.dropFirst())),
        !paths.isEmpty
      else { usage() }
      selectedTarget = target
      var files: [String] = []
      for p in paths { collect(p, into: &files) }
      var slowest = (seconds: 0.0, file: "")
      for f in files.sorted() {
        guard let bytes = read(f) else {
          fputs("MMUFuzz: cannot read \(f)\n", stderr)
          exit(2)
        }
        let start = now()
        target.run(bytes)
        let t = now() - start
        if t > slowest.seconds { slowest = (t, f) }
      }
      let ms = Int(slowest.seconds * 1000)
      print(
        "replayed \(files.count) inputs through the \(target) target; slowest \(ms) ms (\(slowest.file))"
      )
    }

    static func now() -> Double {
      var ts = timespec()
      clock_gettime(CLOCK_MONOTONIC, &ts)
      return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func collect(_ path: String, into files: inout [String]) {
      var st = stat()
      guard stat(path, &st) == 0 else {
        fputs("MMUFuzz: no such file \(path)\n", stderr)
        exit(2)
      }
      guard (st.st_mode & S_IFMT) == S_IFDIR else {
        files.append(path)
        return
      }
      guard let dir = opendir(path) else { return }
      defer { closedir(dir) }
      while let entry = readdir(dir) {
        let name = withUnsafePointer(to: entry.pointee.d_name) {
          $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        if name == "." || name == ".." || name.hasPrefix(".") { continue }
        collect(path + "/" + name, into: &files)
      }
    }

    static func read(_ path: String) -> [UInt8]? {
      guard let f = fopen(path, "rb") else { return nil }
      defer { fclose(f) }
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
#endif
