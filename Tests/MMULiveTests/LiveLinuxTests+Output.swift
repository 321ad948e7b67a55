import Foundation
import MMUTestSupport

/// Reading mmush's output for the Linux comparison: the text dump's sections, JSON objects
/// without their source locations, and the VAs to probe.
extension LiveLinuxTests {
  static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

  /// A text run of `dumps`: the `dump el1` sections (header line and rows) and the
  /// `format linux` rows and markers, whatever came before (the attach report or the core
  /// summary).
  struct DumpText {
    var ttbr0: [Substring] = []
    var ttbr1: [Substring] = []
    var ptdump: [Substring] = []

    init(_ text: String) {
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      guard let t0 = lines.firstIndex(where: { $0.hasPrefix("---[ TTBR0_EL1 ") }),
        let t1 = lines.firstIndex(where: { $0.hasPrefix("---[ TTBR1_EL1 ") }),
        let total = lines.firstIndex(where: { $0.contains(" rows: ") && $0.first?.isNumber == true }
        )
      else { return }
      ttbr0 = Array(lines[t0..<t1])
      ttbr1 = Array(lines[t1..<total])
      // Rows and markers only: not the core's warning that it assumed the fixmap's size.
      ptdump = lines[(total + 1)...].filter { $0.hasPrefix("0x") || $0.hasPrefix("---[ ") }
    }
  }

  /// The VAs to probe: for every line of the kernel's ptdump (mapped runs and holes alike)
  /// its first and last byte and one inside; then linear-map VAs over twice the RAM, and
  /// VAs anywhere in the upper half (most beyond the 48-bit range). Seeded: the same every run.
  static func addresses(fromPtdump text: String) -> [UInt64] {
    var rng = SplitMix64(seed: 16)
    var vas: [UInt64] = []
    for line in DumpText(text).ptdump {
      let bounds = line.prefix(37).split(separator: "-")
      guard bounds.count == 2, let start = UInt64(bounds[0].dropFirst(2), radix: 16),
        let end = UInt64(bounds[1].dropFirst(2), radix: 16)
      else { continue }
      let size = end &- start
      vas += [start, end &- 1, start &+ (size == 0 ? 0 : rng.next() % size)]
    }
    for _ in 0..<100 { vas.append(0xffff_0000_0000_0000 + rng.next() % (1 << 30)) }
    for _ in 0..<50 { vas.append(rng.next() | (1 << 63)) }
    var seen = Set<UInt64>()
    return vas.filter { seen.insert($0).inserted }
  }

  /// A ptdump's `---[ NAME ]---` lines with their addresses: a marker cuts the runs, so the
  /// line after it (a row or a hole) starts at its address; markers in a row share one.
  static func markers(inPtdump lines: [Substring]) -> [(address: UInt64, name: String)] {
    var found: [(address: UInt64, name: String)] = []
    var pending: [String] = []
    for line in lines {
      if line.hasPrefix("---[ ") && line.hasSuffix(" ]---") {
        pending.append(String(line.dropFirst(5).dropLast(5)))
      } else if !pending.isEmpty, line.hasPrefix("0x"),
        let address = UInt64(line.dropFirst(2).prefix(16), radix: 16)
      {
        found += pending.map { (address, $0) }
        pending = []
      }
    }
    return found
  }

  /// The run's JSON objects of one type, each re-serialised with sorted keys and without
  /// its source location, so that two runs compare as strings.
  static func objects(_ r: MMUSH.Result, _ type: String) -> [String] {
    r.objects.filter { $0["type"] as? String == type }.map { o in
      var o = o
      o["location"] = nil
      let data = try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
      return String(decoding: data ?? Data(), as: UTF8.self)
    }
  }

  /// The `dump_row`s of one section.
  static func rows(_ r: MMUSH.Result, section: String) -> [String] {
    objects(r, "dump_row").filter { $0.contains("\"section\":\"\(section)\"") }
  }

  /// The values of the run's first `print`.
  static func printed(_ r: MMUSH.Result) -> [String] {
    r.objects.first { $0["type"] as? String == "print" }?["values"] as? [String] ?? []
  }

  /// The PA of each `walk` (nil where it faulted), in order.
  static func walkPAs(_ r: MMUSH.Result) -> [UInt64?] {
    r.objects.filter { $0["type"] as? String == "walk" }.map {
      (($0["translation"] as? [String: Any])?["pa"] as? String).flatMap {
        UInt64($0.dropFirst(2), radix: 16)
      }
    }
  }
}
