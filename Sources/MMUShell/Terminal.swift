#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// The width of the terminal text goes to, so that wide views (dump attributes, the explain
/// drawing) can fit it. Output that is not a terminal has no width: views are then laid out
/// in full, the same bytes every time.
enum Terminal {
  /// Columns of the terminal behind `output`, or nil when it is not a terminal.
  static func columns(of output: TextOutput) -> Int? {
    guard let s = output as? StreamOutput, s.isTerminal else { return nil }
    var size = winsize()
    if ioctl(fileno(s.stream), UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 {
      return Int(size.ws_col)
    }
    if let c = getenv("COLUMNS"), let n = Int(String(cString: c)), n > 0 { return n }
    return 80
  }
}
