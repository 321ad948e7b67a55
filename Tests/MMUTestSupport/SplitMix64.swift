/// SplitMix64: a seeded, deterministic generator, so that a random test reproduces (the same
/// seed gives the same values on every machine).
package struct SplitMix64: RandomNumberGenerator {
  package var state: UInt64

  package init(seed: UInt64) { state = seed }

  package mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// True `percent` times in a hundred.
  package mutating func chance(_ percent: Int) -> Bool {
    Int.random(in: 0..<100, using: &self) < percent
  }

  /// One element of a non-empty list.
  package mutating func pick<T>(_ list: [T]) -> T {
    list[Int.random(in: 0..<list.count, using: &self)]
  }

  /// `n` random low bits.
  package mutating func bits(_ n: Int) -> UInt64 {
    n >= 64 ? next() : next() & ((1 << UInt64(n)) - 1)
  }

  /// A value below `n` (below 1 when `n` is not positive), by remainder.
  package mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}
