/// A QEMU release as `qemu-system-aarch64 --version` prints it ("QEMU emulator version 7.2.19
/// (Debian 1:7.2+dfsg-7+deb12u18)").
public struct QEMUVersion: Sendable, Comparable, CustomStringConvertible {
  public var major: Int
  public var minor: Int

  public init(major: Int, minor: Int) {
    self.major = major
    self.minor = minor
  }

  /// Reads the first "version X.Y" of QEMU's `--version` output.
  public init?(versionOutput: String) {
    let words = versionOutput.split(whereSeparator: { $0 == " " || $0 == "\n" })
    guard let k = words.firstIndex(of: "version"), k + 1 < words.count else { return nil }
    let digits = words[k + 1].prefix { $0.isNumber || $0 == "." }
    let parts = digits.split(separator: ".").compactMap { Int($0) }
    guard parts.count >= 2 else { return nil }
    self.init(major: parts[0], minor: parts[1])
  }

  public static func < (a: QEMUVersion, b: QEMUVersion) -> Bool {
    (a.major, a.minor) < (b.major, b.minor)
  }

  public var description: String { "\(major).\(minor)" }
}
