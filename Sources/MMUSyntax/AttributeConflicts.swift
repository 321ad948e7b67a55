/// Attribute words that contradict each other (`x nx`, `rw ro`, `device normal`, `sh inner
/// sh outer`, `pages level 2`) are an error naming both, at the second: no word silently
/// wins by coming later. Repeating a word (`rw rw`) is harmless. One pass, so a line of a
/// million attributes costs a million steps.
struct AttributeConflicts {
  /// One word as written, with where it is.
  struct Word {
    var text: String
    var range: SourceRange
    var index: Int
  }

  var writable: (value: Bool, word: Word)?
  var exec: Word?
  var nx: Word?
  var pxn: Word?
  var uxn: Word?
  var user = false
  /// normal, nc, wt, device or attr, and the word that chose it.
  var memory: (kind: String, word: Word)?
  /// ngnrne, ngnre or gre.
  var deviceKind: Word?
  var shareability: (value: Shareability, word: Word)?
  /// pages or level N.
  var placement: Word?

  static func conflict(_ a: Word, _ b: Word) -> Diagnostic {
    let (first, second) = a.index < b.index ? (a, b) : (b, a)
    return .error(
      "contradictory attributes '\(first.text)' and '\(second.text)'", at: second.range,
      hint: "give one of them")
  }

  mutating func add(_ a: Attribute, text: String, index: Int) throws(Diagnostic) {
    let w = Word(text: text, range: a.range, index: index)
    switch a.kind {
    case .r, .ro: try setWritable(false, w)
    case .rw: try setWritable(true, w)
    case .rx:
      try setWritable(false, w)
      exec = exec ?? w
    case .rwx:
      try setWritable(true, w)
      exec = exec ?? w
    case .x: exec = exec ?? w
    case .nx: nx = nx ?? w
    case .pxn: pxn = pxn ?? w
    case .uxn: uxn = uxn ?? w
    case .user: user = true
    case .normal: try setMemory("normal", w)
    case .nc: try setMemory("nc", w)
    case .wt: try setMemory("wt", w)
    case .device: try setMemory("device", w)
    case .ngnrne, .ngnre, .gre:
      try setMemory("device", w)
      if let d = deviceKind, d.text != w.text { throw Self.conflict(d, w) }
      deviceKind = deviceKind ?? w
    case .attr:
      if let m = memory { throw Self.conflict(m.word, w) }
      memory = ("attr", w)
    case .shareability(let sh):
      if let s = shareability, s.value != sh { throw Self.conflict(s.word, w) }
      shareability = shareability ?? (sh, w)
    case .pages, .level:
      if let p = placement, !(p.text == "pages" && w.text == "pages") {
        throw Self.conflict(p, w)
      }
      placement = placement ?? w
    case .ng, .noaf, .contig, .force: break
    }
  }

  mutating func setWritable(_ value: Bool, _ w: Word) throws(Diagnostic) {
    if let c = writable, c.value != value { throw Self.conflict(c.word, w) }
    writable = writable ?? (value, w)
  }

  mutating func setMemory(_ kind: String, _ w: Word) throws(Diagnostic) {
    if let m = memory, m.kind != kind { throw Self.conflict(m.word, w) }
    memory = memory ?? (kind, w)
  }

  /// The checks that depend on the whole list: `x` means EL0 execution after `user`, so it
  /// contradicts `uxn` there and `pxn` otherwise; `nx` contradicts it either way.
  func finish() throws(Diagnostic) {
    guard let e = exec else { return }
    if let n = nx { throw Self.conflict(e, n) }
    if user, let u = uxn { throw Self.conflict(e, u) }
    if !user, let p = pxn { throw Self.conflict(e, p) }
  }
}
