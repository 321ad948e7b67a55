/// Where things live in the QEMU machine the check runs (`-M virt`, 4 GiB of RAM at 1 GiB).
///
/// Tables a query walks must lie in `tableRange` to be copied there; the top quarter of RAM
/// holds the vector stream (loaded by QEMU's `loader` device) and the results.
public enum CheckLayout {
  /// RAM of `-M virt -m 4096M`.
  public static let ramBase: UInt64 = 0x4000_0000
  public static let ramSize: UInt64 = 4 << 30
  /// Physical addresses a vector's pages may occupy.
  public static let tableRange: Range<UInt64> = 0x4000_0000..<0x1_0000_0000
  /// The vector stream: header, vectors, semihosting blocks, then page data.
  public static let streamBase: UInt64 = 0x1_0000_0000
  public static let streamLimit: UInt64 = 0x3000_0000
  /// Where the image writes its results before handing them to semihosting.
  public static let resultsBase: UInt64 = 0x1_3000_0000
  public static let resultsLimit: UInt64 = 0x1000_0000

  public static let streamMagic: UInt64 = 0x3143_4556_5155_4D4D  // "MMUQVEC1"
  public static let resultsMagic: UInt64 = 0x3153_4552_5155_4D4D  // "MMUQRES1"
  /// Magic, vector count, results PA, SYS_OPEN/SYS_WRITE/SYS_EXIT block PAs, query count,
  /// reserved.
  public static let streamHeaderBytes = 64
  /// Magic, ID_AA64MMFR0/1/2_EL1, queries answered.
  public static let resultsHeaderBytes = 40
  /// The most queries one run holds (their results fill `resultsLimit`).
  public static let maxQueries = Int((resultsLimit - UInt64(resultsHeaderBytes)) / 16)
  /// The results file's name, relative to QEMU's working directory.
  public static let resultsFileName = "results.bin"
}
