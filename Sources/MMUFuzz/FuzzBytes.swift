/// The fuzz input read as a stream of choices. Past the end every read is zero, so any input
/// is a complete (if short) program of choices and the same bytes always make the same run.
struct FuzzBytes {
  let data: [UInt8]
  private(set) var offset = 0

  init(_ data: [UInt8]) { self.data = data }

  var isEmpty: Bool { offset >= data.count }

  mutating func u8() -> UInt8 {
    guard offset < data.count else { return 0 }
    defer { offset += 1 }
    return data[offset]
  }

  mutating func u16() -> UInt64 { UInt64(u8()) | UInt64(u8()) << 8 }

  mutating func u64() -> UInt64 {
    var v: UInt64 = 0
    for i in 0..<8 { v |= UInt64(u8()) << UInt64(8 * i) }
    return v
  }

  mutating func bool() -> Bool { u8() & 1 != 0 }

  /// One of `choices` (never empty).
  mutating func pick<T>(_ choices: [T]) -> T { choices[Int(u8()) % choices.count] }

  /// Nil or a value, half the time each.
  mutating func maybe<T>(_ make: (inout FuzzBytes) -> T) -> T? {
    bool() ? make(&self) : nil
  }
}
