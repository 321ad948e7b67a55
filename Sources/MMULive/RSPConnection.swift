#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// One TCP connection speaking the GDB remote serial protocol: `$payload#checksum` packets,
/// `+`/`-` acknowledgements, `}` escapes and `*` run-length encoding in replies.
///
/// Every receive is bounded twice: in time (`timeout` a reply, measured with poll, so a
/// silent stub is an error and not a hang) and in size (`maxPacket` bytes, so a stub that
/// never ends a packet cannot exhaust memory). The socket has TCP_NODELAY: without it each
/// small request waits for the peer's delayed ack (~40 ms).
public final class RSPConnection {
  public let host: String
  public var timeout: Double
  /// The longest reply accepted, counting raw bytes on the wire and decoded bytes.
  public let maxPacket: Int
  private var fd: Int32
  /// Bytes received and not yet consumed.
  private var buffer: [UInt8] = []
  private var start = 0
  /// Polled while waiting for a reply (the front end's Ctrl-C or termination signal): true
  /// gives up with `.interrupted`. Waits that put the stub back in order on the way out
  /// (`interruptible` false) ignore it.
  nonisolated(unsafe) public static var shouldStop: () -> Bool = { false }
  public var interruptible = true

  /// Connects to `host:port` within `timeout` seconds.
  public init(host: String, port: UInt16, timeout: Double = 10, maxPacket: Int = 1 << 20)
    throws(LiveError)
  {
    let label = "\(host):\(port)"
    self.host = label
    self.timeout = timeout
    self.maxPacket = maxPacket
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let rc = getaddrinfo(host, String(port), &hints, &list)
    guard rc == 0, let first = list else {
      throw LiveError(
        host: label, packet: "", problem: .resolve(String(cString: gai_strerror(rc))))
    }
    defer { freeaddrinfo(list) }
    var lastErrno: Int32 = ECONNREFUSED
    var node: UnsafeMutablePointer<addrinfo>? = first
    var connected: Int32 = -1
    while let ai = node {
      node = ai.pointee.ai_next
      let s = socket(ai.pointee.ai_family, ai.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
      guard s >= 0 else {
        lastErrno = errno
        continue
      }
      if Self.connect(s, ai.pointee.ai_addr, ai.pointee.ai_addrlen, timeout: timeout, &lastErrno) {
        connected = s
        break
      }
      _ = Glibc.close(s)
    }
    guard connected >= 0 else {
      if lastErrno == ETIMEDOUT {
        throw LiveError(host: label, packet: "", problem: .timeout(seconds: timeout))
      }
      throw LiveError(host: label, packet: "", problem: .connect(errno: lastErrno))
    }
    fd = connected
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
  }

  deinit { close() }

  public var isOpen: Bool { fd >= 0 }

  public func close() {
    if fd >= 0 { _ = Glibc.close(fd) }
    fd = -1
  }

  /// A non-blocking connect bounded by poll, then back to blocking mode (reads poll anyway).
  private static func connect(
    _ s: Int32, _ addr: UnsafeMutablePointer<sockaddr>, _ len: socklen_t, timeout: Double,
    _ err: inout Int32
  ) -> Bool {
    let flags = fcntl(s, F_GETFL, 0)
    _ = fcntl(s, F_SETFL, flags | O_NONBLOCK)
    if Glibc.connect(s, addr, len) != 0 {
      guard errno == EINPROGRESS else {
        err = errno
        return false
      }
      var p = pollfd(fd: s, events: Int16(POLLOUT), revents: 0)
      let n = poll(&p, 1, Int32(min(timeout * 1000, 3_600_000)))
      guard n > 0 else {
        err = n == 0 ? ETIMEDOUT : errno
        return false
      }
      var soError: Int32 = 0
      var l = socklen_t(MemoryLayout<Int32>.size)
      getsockopt(s, SOL_SOCKET, SO_ERROR, &soError, &l)
      guard soError == 0 else {
        err = soError
        return false
      }
    }
    _ = fcntl(s, F_SETFL, flags)
    return true
  }

  // MARK: Sending

  /// The packet for a payload: `$payload#cs`, with `$ # } *` escaped.
  public static func frame(_ payload: String) -> [UInt8] {
    var body: [UInt8] = []
    for b in payload.utf8 {
      if b == UInt8(ascii: "$") || b == UInt8(ascii: "#") || b == UInt8(ascii: "}")
        || b == UInt8(ascii: "*")
      {
        body.append(UInt8(ascii: "}"))
        body.append(b ^ 0x20)
      } else {
        body.append(b)
      }
    }
    let sum = body.reduce(UInt8(0)) { $0 &+ $1 }
    return [UInt8(ascii: "$")] + body + [UInt8(ascii: "#")] + Array(hex2(sum).utf8)
  }

  static func hex2(_ v: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(v >> 4)], digits[Int(v & 15)]])
  }

  /// Sends raw bytes, all of them.
  public func write(_ bytes: [UInt8], packet: String) throws(LiveError) {
    guard fd >= 0 else { throw LiveError(host: host, packet: packet, problem: .closed) }
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes {
        Glibc.send(fd, $0.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL))
      }
      if n < 0 {
        if errno == EINTR { continue }
        let e = errno
        close()
        throw LiveError(
          host: host, packet: packet,
          problem: e == EPIPE || e == ECONNRESET ? .closed : .io(errno: e))
      }
      done += n
    }
  }

  /// Sends a packet (the stub's `+` is consumed with the reply).
  public func send(_ payload: String) throws(LiveError) {
    try write(Self.frame(payload), packet: payload)
  }

  /// Sends a request and returns its reply's payload.
  public func request(_ payload: String) throws(LiveError) -> [UInt8] {
    try send(payload)
    return try receive(for: payload)
  }

  // MARK: Receiving

  private func fill(deadline: Double, packet: String) throws(LiveError) {
    guard fd >= 0 else { throw LiveError(host: host, packet: packet, problem: .closed) }
    while true {
      if interruptible && Self.shouldStop() {
        throw LiveError(host: host, packet: packet, problem: .interrupted)
      }
      let left = deadline - Self.now()
      guard left > 0 else {
        throw LiveError(host: host, packet: packet, problem: .timeout(seconds: timeout))
      }
      var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      // In slices: a signal may be delivered to another thread, leaving this poll running.
      let n = poll(&p, 1, Int32(min(left * 1000 + 1, 100)))
      if n < 0 {
        if errno == EINTR { continue }
        throw LiveError(host: host, packet: packet, problem: .io(errno: errno))
      }
      if n == 0 { continue }
      var chunk = [UInt8](repeating: 0, count: 65536)
      let got = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 65536, 0) }
      if got < 0 {
        if errno == EINTR || errno == EAGAIN { continue }
        let e = errno
        close()
        throw LiveError(
          host: host, packet: packet, problem: e == ECONNRESET ? .closed : .io(errno: e))
      }
      if got == 0 {
        close()
        throw LiveError(host: host, packet: packet, problem: .closed)
      }
      buffer.append(contentsOf: chunk[0..<got])
      return
    }
  }

  static func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }

  /// The next reply's payload, decoded, acknowledged with `+`. A reply with a bad checksum
  /// is refused with `-` (the stub sends it again) twice before giving up.
  public func receive(for packet: String) throws(LiveError) -> [UInt8] {
    let deadline = Self.now() + timeout
    var nacks = 0
    // Drop consumed bytes now, between packets: indices into the buffer stay valid while a
    // packet is read.
    if start > 65536 && start * 2 > buffer.count {
      buffer.removeFirst(start)
      start = 0
    }
    while true {
      // Skip acknowledgements; anything else before `$` is garbage.
      var skipped = 0
      while true {
        if start == buffer.count { try fill(deadline: deadline, packet: packet) }
        let b = buffer[start]
        if b == UInt8(ascii: "$") { break }
        start += 1
        if b == UInt8(ascii: "+") { continue }
        if b == UInt8(ascii: "-") {
          // The stub refused our packet: send it again, at most twice.
          nacks += 1
          guard nacks <= 2 else {
            throw LiveError(
              host: host, packet: packet, problem: .malformed("the stub refused the request"))
          }
          try send(packet)
          continue
        }
        skipped += 1
        if skipped > 64 {
          throw LiveError(
            host: host, packet: packet, problem: .malformed("bytes that are not a packet"))
        }
      }
      // Find '#' and two checksum digits, within the size limit.
      var end = start + 1
      while true {
        if let at = Self.firstHashOrDollar(buffer, from: end) {
          end = at
          if buffer[end] == UInt8(ascii: "$") {
            throw LiveError(
              host: host, packet: packet, problem: .malformed("a packet cut short by another"))
          }
          if end + 2 < buffer.count { break }
        } else {
          end = buffer.count
        }
        if end - start > maxPacket + 1 {
          throw LiveError(host: host, packet: packet, problem: .tooLong(limit: maxPacket))
        }
        try fill(deadline: deadline, packet: packet)
      }
      let body = Array(buffer[(start + 1)..<end])
      let csText = String(decoding: buffer[(end + 1)...(end + 2)], as: UTF8.self)
      start = end + 3
      let sum = Self.checksum(body)
      guard let cs = UInt8(csText, radix: 16), cs == sum else {
        nacks += 1
        guard nacks <= 2 else {
          throw LiveError(host: host, packet: packet, problem: .badChecksum)
        }
        try write([UInt8(ascii: "-")], packet: packet)
        continue
      }
      try write([UInt8(ascii: "+")], packet: packet)
      return try decode(body, packet: packet)
    }
  }

  /// The modulo-256 sum of a packet's bytes, over raw storage: a reply of a few thousand
  /// bytes costs microseconds, even in a debug build.
  static func checksum(_ bytes: [UInt8]) -> UInt8 {
    bytes.withUnsafeBufferPointer { b in
      var sum: UInt8 = 0
      for x in b { sum &+= x }
      return sum
    }
  }

  /// The index of the first `#` or `$` at or after `from` (memchr: a reply of a few
  /// thousand bytes is scanned at memory speed, even in a debug build).
  static func firstHashOrDollar(_ buffer: [UInt8], from: Int) -> Int? {
    guard from < buffer.count else { return nil }
    return buffer.withUnsafeBytes { raw -> Int? in
      let base = raw.baseAddress!
      let n = buffer.count - from
      let hash = memchr(base + from, Int32(UInt8(ascii: "#")), n)
      let dollar = memchr(base + from, Int32(UInt8(ascii: "$")), n)
      let found = [hash, dollar].compactMap { $0 }.map { base.distance(to: UnsafeRawPointer($0)) }
      return found.min()
    }
  }

  /// Undoes `}` escapes and `*` run-length encoding.
  func decode(_ body: [UInt8], packet: String) throws(LiveError) -> [UInt8] {
    // Most replies (hex memory, XML) have neither escapes nor runs: nothing to undo.
    if body.isEmpty { return body }
    let plain = body.withUnsafeBytes {
      memchr($0.baseAddress!, Int32(UInt8(ascii: "}")), $0.count) == nil
        && memchr($0.baseAddress!, Int32(UInt8(ascii: "*")), $0.count) == nil
    }
    if plain { return body }
    var out: [UInt8] = []
    out.reserveCapacity(body.count)
    var i = 0
    while i < body.count {
      let b = body[i]
      if b == UInt8(ascii: "}") {
        guard i + 1 < body.count else {
          throw LiveError(host: host, packet: packet, problem: .malformed("an escape at the end"))
        }
        out.append(body[i + 1] ^ 0x20)
        i += 2
      } else if b == UInt8(ascii: "*") {
        guard let last = out.last, i + 1 < body.count, body[i + 1] >= 29 + 3 else {
          throw LiveError(
            host: host, packet: packet, problem: .malformed("a bad run-length encoding"))
        }
        let n = Int(body[i + 1]) - 29
        guard out.count + n <= maxPacket else {
          throw LiveError(host: host, packet: packet, problem: .tooLong(limit: maxPacket))
        }
        out.append(contentsOf: repeatElement(last, count: n))
        i += 2
      } else {
        out.append(b)
        i += 1
      }
    }
    return out
  }
}
