/// The kernel's note_page state machine: entries arrive in address order and a row is
/// closed when the attributes, the level or the next marker change.
struct PtdumpState {
  var markers: [PtdumpMarker]
  var markerIndex = 0
  var started = false
  var start: UInt64 = 0
  var prot: UInt64 = 0
  var level = 0
  var kernelLevel = 0
  var lines: [PtdumpLine] = []

  /// Whether `address` is at or past the next marker (the kernel's `addr >=
  /// marker[1].start_address`; the list's terminating -1 is never reached).
  func pastNextMarker(_ address: UInt64) -> Bool {
    markerIndex + 1 < markers.count && address >= markers[markerIndex + 1].address
  }

  mutating func nextMarker() {
    markerIndex += 1
    lines.append(.marker(markers[markerIndex].name))
  }

  /// note_page(addr, level, val); `level` nil for the final flush.
  mutating func note(
    _ address: UInt64, level: Int?, kernelLevel: Int, descriptor: UInt64, mask: UInt64
  ) {
    let newProt = level == nil ? 0 : descriptor & mask
    let newLevel = level ?? -2
    if !started {
      started = true
      start = address
      prot = newProt
      self.level = newLevel
      self.kernelLevel = kernelLevel
      if let first = markers.first { lines.append(.marker(first.name)) }
    } else if newProt != prot || newLevel != self.level || pastNextMarker(address) {
      lines.append(
        .row(
          PtdumpRow(
            start: start, end: address, kernelLevel: self.kernelLevel, level: self.level,
            prot: prot)))
      if pastNextMarker(address) { nextMarker() }
      start = address
      prot = newProt
      self.level = newLevel
      self.kernelLevel = kernelLevel
    }
    if pastNextMarker(address) { nextMarker() }
  }
}
