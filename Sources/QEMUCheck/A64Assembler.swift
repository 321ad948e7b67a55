/// A straight list of A64 words with named labels, for the check image.
///
/// Branches name their target; `bytes()` resolves every distance once all labels are known,
/// so code can branch forwards. A label used but never defined, or defined twice, is a bug in
/// the image builder (the image is fixed code, never built from input), hence a precondition.
struct A64Assembler {
  private(set) var words: [UInt32] = []
  private var labels: [String: Int] = [:]
  private var fixups: [(at: Int, label: String, encode: (Int32) -> UInt32)] = []

  /// The byte offset of the next word.
  var offset: Int { words.count * 4 }

  mutating func emit(_ word: UInt32) { words.append(word) }
  mutating func emit(_ list: [UInt32]) { words.append(contentsOf: list) }

  mutating func label(_ name: String) {
    precondition(labels[name] == nil, "label \(name) defined twice")
    labels[name] = words.count
  }

  /// Pads with zero words until the next word lies at a multiple of `alignment` bytes.
  mutating func align(_ alignment: Int) {
    while offset % alignment != 0 { words.append(0) }
  }

  /// Emits a PC-relative instruction to `label`; `encode` receives the byte distance.
  mutating func emit(to label: String, _ encode: @escaping (Int32) -> UInt32) {
    fixups.append((words.count, label, encode))
    words.append(0)
  }

  /// The program, little-endian, with every branch resolved.
  func bytes() -> [UInt8] {
    var w = words
    for f in fixups {
      guard let target = labels[f.label] else { preconditionFailure("undefined label \(f.label)") }
      w[f.at] = f.encode(Int32((target - f.at) * 4))
    }
    var out: [UInt8] = []
    out.reserveCapacity(w.count * 4)
    for word in w {
      for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: word >> (8 * UInt32(k)))) }
    }
    return out
  }
}
