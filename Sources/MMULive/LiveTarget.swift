import MMU

/// A QEMU guest attached through its gdbstub: the handshake, the target description, the
/// vCPUs' registers, and physical memory read a page at a time.
///
/// QEMU's `Qqemu.PhyMemMode` is global and outlives the connection, so the session sets it
/// only while it reads memory and `restore()` puts it back; every path out of a session
/// (detach, an error, the end of a run, a signal) calls it.
public final class LiveTarget: PageSource {
  public let connection: RSPConnection
  public var host: String { connection.host }
  public private(set) var description = TargetDescription()
  public private(set) var cpus: [LiveCPU] = []
  /// The stub's advertised PacketSize (what it accepts from us).
  public private(set) var packetSize = 0
  /// Whether the stub is in physical-address mode (set by this session).
  public private(set) var physicalMode = false
  /// The first failure of an on-demand read, for the caller to report after the statement.
  public private(set) var pendingError: LiveError?
  /// Bytes one `m` asks for: QEMU 7.2 answers an error above 2048 bytes even though it
  /// advertises PacketSize=1000 (hex), which bounds requests, not replies.
  public var chunk = 2048
  /// `m` requests in flight at once: the stub handles packets in order, so a batch is sent
  /// together and the replies read after, overlapping the round trips.
  public var window = 64
  /// Counters: `m` requests and pages read.
  public private(set) var requests = 0
  public private(set) var pagesRead = 0

  /// Connects, halts the guest (`?`; QEMU stops it on connect), reads the target
  /// description and every vCPU's registers.
  public init(host: String, port: UInt16, timeout: Double = 10) throws(LiveError) {
    connection = try RSPConnection(host: host, port: port, timeout: timeout)
    do throws(LiveError) {
      try handshake()
      try readDescription()
      try refresh()
    } catch {
      connection.close()
      throw error
    }
  }

  /// Parses `HOST:PORT` (`[v6]:PORT` too).
  public static func parseAddress(_ text: String) -> (host: String, port: UInt16)? {
    guard let colon = text.lastIndex(of: ":") else { return nil }
    var host = String(text[..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard !host.isEmpty, let port = UInt16(text[text.index(after: colon)...]), port > 0 else {
      return nil
    }
    return (host, port)
  }

  func fail(_ packet: String, _ problem: LiveError.Problem) -> LiveError {
    LiveError(host: host, packet: packet, problem: problem)
  }

  /// A request whose reply is text; `E NN` and empty replies are errors.
  func ask(_ packet: String, emptyIs: LiveError.Problem? = .unsupported) throws(LiveError)
    -> String
  {
    let reply = String(decoding: try connection.request(packet), as: UTF8.self)
    if reply.isEmpty, let emptyIs { throw fail(packet, emptyIs) }
    if reply.count == 3, reply.hasPrefix("E"), UInt8(reply.dropFirst(), radix: 16) != nil {
      throw fail(packet, .errorReply(reply))
    }
    return reply
  }

  private func handshake() throws(LiveError) {
    let stop = try ask("?", emptyIs: .unexpectedReply(""))
    guard stop.hasPrefix("T") || stop.hasPrefix("S") else {
      throw fail("?", .unexpectedReply(String(stop.prefix(40))))
    }
    // QEMU also reports the stop it made on connect (`T02`), before or after the answer to
    // `?`: stop replies before the answer to qSupported are skipped.
    let supported = "qSupported:xmlRegisters=aarch64"
    try connection.send(supported)
    var features = ""
    for _ in 0..<4 {
      features = String(decoding: try connection.receive(for: supported), as: UTF8.self)
      if !Self.isStopReply(features) { break }
    }
    if features.isEmpty { throw fail(supported, .notQEMU("qSupported")) }
    for f in features.split(separator: ";") where f.hasPrefix("PacketSize=") {
      packetSize = Int(f.dropFirst("PacketSize=".count).prefix(8), radix: 16) ?? 0
    }
    guard features.split(separator: ";").contains("qXfer:features:read+") else {
      throw fail("qSupported", .notQEMU("qXfer:features:read"))
    }
    let qemu = try ask("qqemu.Supported", emptyIs: .notQEMU("qqemu.Supported"))
    guard qemu.split(separator: ";").contains("PhyMemMode") else {
      throw fail("qqemu.Supported", .notQEMU("PhyMemMode"))
    }
  }

  /// One description file, read in pieces (`m…` more, `l…` last), at most 1 MiB.
  private func readXML(_ name: String) throws(LiveError) -> String {
    var text: [UInt8] = []
    while true {
      let packet = "qXfer:features:read:\(name):\(String(text.count, radix: 16)),7f0"
      let reply = try connection.request(packet)
      guard let kind = reply.first, kind == UInt8(ascii: "m") || kind == UInt8(ascii: "l") else {
        if reply.isEmpty { throw fail(packet, .notQEMU("qXfer:features:read")) }
        throw fail(packet, .unexpectedReply(String(decoding: reply.prefix(40), as: UTF8.self)))
      }
      text.append(contentsOf: reply.dropFirst())
      if kind == UInt8(ascii: "l") { break }
      guard reply.count > 1, text.count <= 1 << 20 else {
        throw fail(packet, .badTargetDescription("\(name) does not end within 1 MiB"))
      }
    }
    return String(decoding: text, as: UTF8.self)
  }

  private func readDescription() throws(LiveError) {
    var queue = ["target.xml"]
    var seen: Set<String> = []
    while !queue.isEmpty {
      let name = queue.removeFirst()
      guard seen.insert(name).inserted else { continue }
      guard seen.count <= 32 else {
        throw fail("qXfer:features:read", .badTargetDescription("more than 32 files"))
      }
      let xml = try readXML(name)
      description.add(xml, file: name)
      // Included files are numbered in document order: read them before later siblings.
      queue.insert(contentsOf: TargetDescription.includes(xml), at: 0)
    }
    guard description.files.contains("system-registers.xml") else {
      throw fail("qXfer:features:read", .notQEMU("system-registers.xml"))
    }
  }

  /// The thread ids (`qfThreadInfo`, then `qsThreadInfo` until `l`).
  private func threads() throws(LiveError) -> [String] {
    var out: [String] = []
    var packet = "qfThreadInfo"
    while true {
      let reply = try ask(packet)
      if reply.hasPrefix("l") { break }
      guard reply.hasPrefix("m") else {
        throw fail(packet, .unexpectedReply(String(reply.prefix(40))))
      }
      out += reply.dropFirst().split(separator: ",").map(String.init)
      guard out.count <= 512 else { throw fail(packet, .unexpectedReply("more than 512 threads")) }
      packet = "qsThreadInfo"
    }
    guard !out.isEmpty else { throw fail("qfThreadInfo", .unexpectedReply("no threads")) }
    return out
  }

  /// A register's value: `p` answers its bytes in target (little-endian) order.
  func readRegister(_ r: TargetDescription.Register) throws(LiveError) -> UInt64 {
    let packet = "p" + String(r.number, radix: 16)
    let reply = try ask(packet)
    let bytes = Self.hexBytes(Array(reply.utf8))
    guard let bytes, !bytes.isEmpty, bytes.count <= 8 || bytes[8...].allSatisfy({ $0 == 0 }) else {
      throw fail(packet, .unexpectedReply(String(reply.prefix(40))))
    }
    var v: UInt64 = 0
    for (i, b) in bytes.prefix(8).enumerated() { v |= UInt64(b) << UInt64(8 * i) }
    return v
  }

  /// Re-reads every vCPU's registers (the guest may have run).
  public func refresh() throws(LiveError) {
    let ids = try threads()
    let hasEL2 = description.register(["HCR_EL2"]) != nil
    var wanted = LiveRegisters.el1 + (hasEL2 ? LiveRegisters.el2 : [])
    var regs: [(SystemRegister, TargetDescription.Register)] = []
    for (reg, names) in wanted {
      guard let r = description.register(names) else {
        throw fail("qXfer:features:read", .unknownRegister(names))
      }
      regs.append((reg, r))
    }
    wanted = LiveRegisters.optional
    for (reg, names) in wanted {
      if let r = description.register(names) { regs.append((reg, r)) }
    }
    guard let pstate = description.register(LiveRegisters.pstate) else {
      throw fail("qXfer:features:read", .unknownRegister(LiveRegisters.pstate))
    }
    var out: [LiveCPU] = []
    for id in ids {
      let reply = try ask("Hg" + id)
      guard reply == "OK" else { throw fail("Hg" + id, .unexpectedReply(String(reply.prefix(40)))) }
      var values: [SystemRegister: UInt64] = [:]
      for (reg, r) in regs { values[reg] = try readRegister(r) }
      out.append(LiveCPU(thread: id, registers: values, pstate: try readRegister(pstate)))
    }
    // Leave the first vCPU selected: a client after us reads memory through it.
    if ids.count > 1 {
      let reply = try ask("Hg" + ids[0])
      guard reply == "OK" else {
        throw fail("Hg" + ids[0], .unexpectedReply(String(reply.prefix(40))))
      }
    }
    cpus = out
    pendingError = nil
  }

  // MARK: Memory

  /// Switches the stub to physical addresses (`Qqemu.PhyMemMode:1`).
  public func enterPhysicalMode() throws(LiveError) {
    let reply = try ask("Qqemu.PhyMemMode:1", emptyIs: .notQEMU("Qqemu.PhyMemMode"))
    guard reply == "OK" else {
      throw fail("Qqemu.PhyMemMode:1", .unexpectedReply(String(reply.prefix(40))))
    }
    physicalMode = true
  }

  /// Puts the stub back in virtual-address mode if this session changed it. Best effort on
  /// a failed connection (nothing more can be done then); the error is returned.
  @discardableResult
  public func restore() -> LiveError? {
    guard physicalMode, connection.isOpen else { return nil }
    connection.interruptible = false
    defer { connection.interruptible = true }
    do throws(LiveError) {
      try connection.send("Qqemu.PhyMemMode:0")
      // Replies to requests a failure abandoned (a late page) may come first: skip them.
      var reply = ""
      for _ in 0..<(window + 2) {
        reply = String(decoding: try connection.receive(for: "Qqemu.PhyMemMode:0"), as: UTF8.self)
        if reply == "OK" || reply.hasPrefix("E") || reply.isEmpty { break }
      }
      guard reply == "OK" else {
        return fail("Qqemu.PhyMemMode:0", .unexpectedReply(String(reply.prefix(40))))
      }
      physicalMode = false
      return nil
    } catch {
      return error
    }
  }

  /// Restores the address mode, then lets the guest run (`D`; `D;1` once a client used
  /// multiprocess mode, when a bare `D` gets E22) or leaves it halted (closing the
  /// connection: QEMU keeps a halted guest halted).
  public func detach(resume: Bool) throws(LiveError) {
    defer { connection.close() }
    connection.interruptible = false
    if let e = restore() { throw e }
    guard resume, connection.isOpen else { return }
    do throws(LiveError) {
      let reply = try ask("D")
      guard reply == "OK" else { throw fail("D", .unexpectedReply(String(reply.prefix(40)))) }
    } catch let e where e.problem == .errorReply("E22") {
      let reply = try ask("D;1")
      guard reply == "OK" else { throw fail("D;1", .unexpectedReply(String(reply.prefix(40)))) }
    }
  }

  /// Reads whole pages with pipelined `m` requests; a page the stub refuses is nil. The
  /// first failure is kept in `pendingError` and the rest of the batch reads as absent.
  public func readPages(_ pfns: [UInt64]) -> [[UInt8]?] {
    var out = [[UInt8]?](repeating: nil, count: pfns.count)
    guard pendingError == nil, connection.isOpen, !pfns.isEmpty else { return out }
    do throws(LiveError) {
      if !physicalMode { try enterPhysicalMode() }
      let step = max(1, min(chunk, PhysicalMemory.pageSize))
      let perPage = (PhysicalMemory.pageSize + step - 1) / step
      var requestsList: [(page: Int, offset: Int, packet: String)] = []
      for (i, pfn) in pfns.enumerated() {
        for k in 0..<perPage {
          let a = (pfn << 12) + UInt64(k * step)
          let n = min(step, PhysicalMemory.pageSize - k * step)
          requestsList.append((i, k * step, "m\(String(a, radix: 16)),\(String(n, radix: 16))"))
        }
      }
      var pageBytes = [[UInt8]](repeating: [], count: pfns.count)
      var failed = Set<Int>()
      var next = 0
      while next < requestsList.count {
        let batch = requestsList[next..<min(next + max(1, window), requestsList.count)]
        var wire: [UInt8] = []
        for r in batch { wire += RSPConnection.frame(r.packet) }
        try connection.write(wire, packet: batch.first!.packet)
        for r in batch {
          let reply = try connection.receive(for: r.packet)
          requests += 1
          if reply.first == UInt8(ascii: "E") && reply.count == 3 {
            failed.insert(r.page)
            continue
          }
          guard let bytes = Self.hexBytes(reply),
            bytes.count == min(step, PhysicalMemory.pageSize - r.offset)
          else {
            throw fail(
              r.packet,
              reply.isEmpty
                ? .unsupported : .unexpectedReply(String(decoding: reply.prefix(40), as: UTF8.self))
            )
          }
          pageBytes[r.page] += bytes
        }
        next += batch.count
      }
      for i in pfns.indices
      where !failed.contains(i) && pageBytes[i].count == PhysicalMemory.pageSize {
        out[i] = pageBytes[i]
        pagesRead += 1
      }
    } catch {
      pendingError = error
    }
    return out
  }

  /// `T05…`/`S05`: a stop reply.
  static func isStopReply(_ s: String) -> Bool {
    let u = Array(s.utf8)
    guard u.count >= 3, u[0] == UInt8(ascii: "T") || u[0] == UInt8(ascii: "S") else {
      return false
    }
    return hexDigit(u[1]) != nil && hexDigit(u[2]) != nil
  }

  /// Hex text as bytes; nil if it is not an even number of hex digits.
  static func hexBytes(_ text: [UInt8]) -> [UInt8]? {
    guard text.count % 2 == 0 else { return nil }
    let n = text.count / 2
    var bad = false
    let table = hexValues
    let out = [UInt8](unsafeUninitializedCapacity: n) { dst, count in
      text.withUnsafeBufferPointer { src in
        table.withUnsafeBufferPointer { values in
          for i in 0..<n {
            let hi = values[Int(src[2 * i])]
            let lo = values[Int(src[2 * i + 1])]
            if hi | lo > 15 { bad = true }
            dst[i] = hi << 4 | (lo & 15)
          }
        }
      }
      count = n
    }
    return bad ? nil : out
  }

  /// Each byte's value as a hex digit, 0xff for bytes that are not one.
  static let hexValues: [UInt8] = (0..<256).map { hexDigit(UInt8($0)) ?? 0xff }

  static func hexDigit(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
