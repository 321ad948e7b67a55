/// `--export-image DIR`: the check as files another QEMU (or a board with a loader) can run.
public enum CheckExport {
  /// Writes image.bin, vectors.bin, command.txt (the QEMU command line, run in DIR) and
  /// expected.txt (one line per query: result index, location, mmush's PAR, statement).
  public static func write(_ p: PreparedCheck, to dir: String, expected: [String])
    throws(CheckError)
  {
    try Files.makeDirectory(dir)
    try Files.write(dir + "/image.bin", p.image)
    try Files.write(dir + "/vectors.bin", p.stream)
    let command = QEMURunner.commandLine(
      binary: QEMURunner.binaryName, image: "image.bin", stream: "vectors.bin")
    try Files.write(
      dir + "/command.txt", Array((command.joined(separator: " ") + "\n").utf8))
    try Files.write(
      dir + "/expected.txt",
      Array(
        ("# index location mmush-PAR statement; QEMU writes \(CheckLayout.resultsFileName)\n"
          + expected.map { $0 + "\n" }.joined()).utf8))
  }

  /// A results file (at most what the largest run writes).
  public static func read(_ path: String) throws(CheckError) -> [UInt8] {
    try Files.read(path, limit: Int(CheckLayout.resultsLimit))
  }
}
