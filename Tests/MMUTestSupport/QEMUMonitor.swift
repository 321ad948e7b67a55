import Foundation

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// QEMU's human monitor over its unix socket: a command, then the text up to the next
/// `(qemu) ` prompt (the echo's terminal escapes are dropped: only lines with content are
/// looked at).
package final class Monitor {
  private let fd: Int32

  package init(path: String) throws {
    fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in
      for (i, b) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = b }
    }
    let ok = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
      }
    }
    guard ok else {
      close(fd)
      throw POSIXError(.ECONNREFUSED)
    }
    _ = try read()
  }

  deinit { close(fd) }

  private func read(seconds: Double = 10) throws -> String {
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    let prompt = Array("(qemu) ".utf8)
    let deadline = Date().addingTimeInterval(seconds)
    while !(out.count >= prompt.count && Array(out.suffix(prompt.count)) == prompt) {
      guard Date() < deadline else { throw QEMUMachine.QEMUError.monitorTimeout("no prompt") }
      var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&p, 1, 1000) > 0 else { continue }
      let n = recv(fd, &chunk, chunk.count, 0)
      guard n > 0 else { throw QEMUMachine.QEMUError.monitorTimeout("closed") }
      out += chunk[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Runs a command; its output lines (the echoed command and prompt dropped).
  package func command(_ text: String, seconds: Double = 10) throws -> [String] {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
    let reply = try read(seconds: seconds)
    return reply.replacingOccurrences(of: "\r", with: "").split(separator: "\n").dropFirst()
      .map(String.init).filter { !$0.hasPrefix("(qemu)") && !$0.isEmpty }
  }

  /// `xp /Ngx PA`: N 64-bit words of guest physical memory.
  package func physical(_ pa: UInt64, count: Int) throws -> [UInt64] {
    var words: [UInt64] = []
    for line in try command("xp /\(count)gx 0x\(String(pa, radix: 16))") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      for w in line[line.index(after: colon)...].split(separator: " ") where w.hasPrefix("0x") {
        if let v = UInt64(w.dropFirst(2), radix: 16) { words.append(v) }
      }
    }
    return words
  }

  /// `gva2gpa VA` in the current CPU's regime: the PA, or nil when unmapped.
  package func gva2gpa(_ va: UInt64) throws -> UInt64? {
    for line in try command("gva2gpa 0x\(String(va, radix: 16))") where line.hasPrefix("gpa: 0x") {
      return UInt64(line.dropFirst("gpa: 0x".count), radix: 16)
    }
    return nil
  }
}
