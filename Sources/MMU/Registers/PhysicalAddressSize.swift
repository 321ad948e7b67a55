/// PS/IPS/PARange encoding: 000=32, 001=36, 010=40, 011=42, 100=44, 101=48, 110=52.
public enum PhysicalAddressSize {
  public static let table = [32, 36, 40, 42, 44, 48, 52]
  /// Reserved encodings (7 and above) read as 52, the largest implemented size; callers
  /// bound the result by PAMax (QEMU: MIN(PARange, PS)).
  public static func bits(encoding: UInt64) -> Int {
    encoding < 7 ? table[Int(encoding)] : 52
  }
  public static func encoding(bits: Int) -> UInt64? {
    table.firstIndex(of: bits).map { UInt64($0) }
  }
}
