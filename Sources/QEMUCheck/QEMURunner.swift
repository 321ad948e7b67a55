#if canImport(Glibc)
  import Glibc
#endif

/// What the image reported: QEMU's ID_AA64MMFR0/1/2_EL1 and, per query sent, PAR_EL1 and the
/// exception word (0, or ESR_EL3 with bit 63 set).
public struct QEMUResults: Sendable, Equatable {
  public var mmfr: [UInt64]
  public var answers: [(par: UInt64, exception: UInt64)]

  public static func == (a: QEMUResults, b: QEMUResults) -> Bool {
    a.mmfr == b.mmfr && a.answers.map(\.par) == b.answers.map(\.par)
      && a.answers.map(\.exception) == b.answers.map(\.exception)
  }

  /// Reads a results file (`CheckImage`'s format), expecting `count` answers.
  public init(bytes: [UInt8], count: Int) throws(CheckError) {
    func word(_ k: Int) -> UInt64 {
      var v: UInt64 = 0
      for b in 0..<8 { v |= UInt64(bytes[8 * k + b]) << (8 * UInt64(b)) }
      return v
    }
    let header = CheckLayout.resultsHeaderBytes / 8
    guard bytes.count >= CheckLayout.resultsHeaderBytes, word(0) == CheckLayout.resultsMagic
    else {
      throw .badResults("the results do not start with the image's header")
    }
    let answered = word(4)
    guard answered == UInt64(count) else {
      throw .badResults("QEMU answered \(answered) of \(count) queries")
    }
    guard bytes.count == CheckLayout.resultsHeaderBytes + 16 * count else {
      throw .badResults(
        "the results hold \(bytes.count) bytes, not \(CheckLayout.resultsHeaderBytes + 16 * count)")
    }
    mmfr = [word(1), word(2), word(3)]
    answers = (0..<count).map { (word(header + 2 * $0), word(header + 2 * $0 + 1)) }
  }
}

/// Finds and runs QEMU.
public enum QEMURunner {
  public static let binaryName = "qemu-system-aarch64"
  /// Where the vector stream is loaded.
  public static let streamAddress = "0x" + String(CheckLayout.streamBase, radix: 16)

  /// `explicit` when given (it must be executable), else `qemu-system-aarch64` on PATH.
  public static func locate(_ explicit: String?) throws(CheckError) -> String {
    if let explicit {
      guard access(explicit, X_OK) == 0 else {
        throw .qemuMissing("\(explicit) is not an executable file")
      }
      return explicit
    }
    let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") where !dir.isEmpty {
      let candidate = "\(dir)/\(binaryName)"
      if access(candidate, X_OK) == 0 { return candidate }
    }
    throw .qemuMissing("\(binaryName) is not on PATH")
  }

  /// The release `binary --version` names; nil when it says none.
  public static func version(binary: String) throws(CheckError) -> QEMUVersion? {
    let dir = try Files.temporaryDirectory()
    defer { Files.removeDirectory(dir, files: ["version.txt"]) }
    let out = dir + "/version.txt"
    let ending = try QEMUProcess.run([binary, "--version"], outputPath: out, seconds: 20)
    guard ending == .exited(0) else {
      throw .qemuFailed(describe(ending), output: tail(out))
    }
    let text = String(decoding: try Files.read(out, limit: 4096), as: UTF8.self)
    return QEMUVersion(versionOutput: text)
  }

  /// The command line that runs the check: the image as the EL3 firmware, the stream loaded
  /// raw at `CheckLayout.streamBase`, semihosting writing the results on the host.
  public static func commandLine(binary: String, image: String, stream: String) -> [String] {
    [
      binary, "-M", "virt,secure=on,virtualization=on,gic-version=3", "-cpu", "max", "-smp", "1",
      "-m", "4096M", "-accel", "tcg", "-display", "none", "-nodefaults", "-monitor", "none",
      "-serial", "none", "-semihosting-config", "enable=on,target=native", "-bios", image,
      "-device", "loader,file=\(stream),addr=\(streamAddress),force-raw=on",
    ]
  }

  /// Runs a prepared check in one QEMU; `seconds` bounds it (then QEMU is killed).
  public static func run(_ p: PreparedCheck, binary: String, seconds: Int) throws(CheckError)
    -> QEMUResults
  {
    let dir = try Files.temporaryDirectory()
    let names = ["image.bin", "vectors.bin", "qemu-output.txt", CheckLayout.resultsFileName]
    defer { Files.removeDirectory(dir, files: names) }
    // The stream names the results file; this run's copy names it by its full path.
    try Files.write(dir + "/image.bin", p.image)
    try Files.write(
      dir + "/vectors.bin", try p.stream(resultsPath: dir + "/" + CheckLayout.resultsFileName))
    let output = dir + "/qemu-output.txt"
    let ending = try QEMUProcess.run(
      commandLine(binary: binary, image: dir + "/image.bin", stream: dir + "/vectors.bin"),
      outputPath: output, seconds: seconds)
    switch ending {
    case .timedOut: throw .qemuTimedOut(seconds)
    case .exited(0): break
    default: throw .qemuFailed(describe(ending), output: tail(output))
    }
    let printed = tail(output)
    guard printed.isEmpty else {
      throw .qemuFailed("QEMU printed something the check does not expect", output: printed)
    }
    let resultsPath = dir + "/" + CheckLayout.resultsFileName
    guard Files.exists(resultsPath) else {
      throw .badResults("QEMU exited without writing its results")
    }
    return try QEMUResults(bytes: try Files.read(resultsPath), count: p.sentCount)
  }

  static func describe(_ e: QEMUProcess.Ending) -> String {
    switch e {
    case .exited(let s): "QEMU exited with status \(s)"
    case .signalled(let s): "QEMU was killed by signal \(s)"
    case .timedOut: "QEMU timed out"
    }
  }

  /// The last 2 KB QEMU printed, as text.
  static func tail(_ path: String) -> String {
    guard let bytes = try? Files.read(path, limit: 1 << 20) else { return "" }
    return String(decoding: bytes.suffix(2048), as: UTF8.self)
  }
}
