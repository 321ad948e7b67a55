import Foundation
import MMUTestSupport

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// A gdbstub on 127.0.0.1 and a free port that answers like QEMU 7.2 unless told otherwise:
/// each test replaces the answer to one request with garbage, a cut-short packet, a wrong
/// checksum, a huge reply, silence or a closed connection.
final class FakeStub: @unchecked Sendable {
  enum Answer {
    case reply(String)
    /// Bytes sent as they are (no framing).
    case raw([UInt8])
    case silence
    case close
  }

  let port: UInt16
  private let listener: Int32
  private let lock = NSLock()
  private var _requests: [String] = []
  private var _phyMemMode = false
  /// Every request received, in order.
  var requests: [String] { lock.withLock { _requests } }
  var phyMemMode: Bool { lock.withLock { _phyMemMode } }
  /// Overrides, consulted first: a request's answer, or nil for the default.
  let override: @Sendable (String) -> Answer?
  var systemRegisters: [String: UInt64]
  private let done = DispatchSemaphore(value: 0)

  static let defaultRegisters: [String: UInt64] = [
    "TTBR0_EL1": 0x4000_0000, "TTBR1_EL1": 0, "TCR_EL1": 0x19, "MAIR_EL1": 0xff,
    "SCTLR": 0x30d0_1805, "ID_AA64MMFR0_EL1": 0x5, "ID_AA64MMFR1_EL1": 0,
    "ID_AA64MMFR2_EL1": 0,
  ]

  init(
    registers: [String: UInt64] = FakeStub.defaultRegisters,
    override: @escaping @Sendable (String) -> Answer? = { _ in nil }
  ) throws {
    systemRegisters = registers
    self.override = override
    (listener, port) = try LoopbackSocket.bound(listening: true)
    let t = Thread { [self] in serve() }
    t.start()
  }

  /// Closes the listener and waits (at most 5 s) for the serving thread to end.
  func stop() {
    shutdown(listener, Int32(SHUT_RDWR))
    _ = done.wait(timeout: .now() + 5)
    close(listener)
  }

  private func record(_ r: String) { lock.withLock { _requests.append(r) } }

  private func serve() {
    defer { done.signal() }
    let c = accept(listener, nil, nil)
    guard c >= 0 else { return }
    defer { close(c) }
    var buffer: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    var last: [UInt8] = []
    while true {
      // A `-` before the next packet asks for the last answer again.
      let firstDollar = buffer.firstIndex(of: UInt8(ascii: "$")) ?? buffer.count
      let nacks = buffer[..<firstDollar].filter { $0 == UInt8(ascii: "-") }.count
      buffer.removeFirst(firstDollar)
      for _ in 0..<nacks { send(c, last) }
      // One packet: skip to `$`, read to `#` and two digits.
      while let dollar = buffer.firstIndex(of: UInt8(ascii: "$")),
        let hash = buffer[dollar...].firstIndex(of: UInt8(ascii: "#")), hash + 2 < buffer.count
      {
        let body = String(decoding: buffer[(dollar + 1)..<hash], as: UTF8.self)
        buffer.removeFirst(hash + 3)
        send(c, [UInt8(ascii: "+")])
        record(body)
        switch override(body) ?? defaultAnswer(body) {
        case .reply(let text):
          last = Self.frame(text)
          send(c, last)
        case .raw(let bytes):
          last = bytes
          send(c, bytes)
        case .silence: break
        case .close: return
        }
      }
      let n = recv(c, &chunk, chunk.count, 0)
      if n <= 0 { return }
      buffer += chunk[0..<n]
    }
  }

  private func send(_ c: Int32, _ bytes: [UInt8]) {
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes {
        Glibc.send(c, $0.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL))
      }
      if n <= 0 { return }
      done += n
    }
  }

  static func frame(_ text: String) -> [UInt8] {
    let body = Array(text.utf8)
    let sum = body.reduce(UInt8(0)) { $0 &+ $1 }
    return [UInt8(ascii: "$")] + body + Array(String(format: "#%02x", sum).utf8)
  }

  static func hexLE(_ v: UInt64, bytes: Int = 8) -> String {
    (0..<bytes).map { String(format: "%02x", (v >> UInt64(8 * $0)) & 0xff) }.joined()
  }

  var registerList: [(String, Int)] {
    systemRegisters.keys.sorted().enumerated().map { ($0.element, 100 + $0.offset) }
  }

  func defaultAnswer(_ r: String) -> Answer {
    if r == "?" { return .reply("T05thread:01;") }
    if r.hasPrefix("qSupported") { return .reply("PacketSize=1000;qXfer:features:read+") }
    if r == "qqemu.Supported" { return .reply("sstepbits;sstep;PhyMemMode") }
    if r.hasPrefix("qXfer:features:read:target.xml:") {
      return .reply(
        "l<target><architecture>aarch64</architecture><xi:include href=\"core.xml\"/>"
          + "<xi:include href=\"system-registers.xml\"/></target>")
    }
    if r.hasPrefix("qXfer:features:read:core.xml:") {
      return .reply(
        "l<feature><reg name=\"x0\" bitsize=\"64\" regnum=\"0\"/><reg name=\"cpsr\" bitsize=\"32\" regnum=\"33\"/></feature>"
      )
    }
    if r.hasPrefix("qXfer:features:read:system-registers.xml:") {
      let regs = registerList.map {
        "<reg name=\"\($0.0)\" bitsize=\"64\" regnum=\"\($0.1)\" group=\"cp_regs\"/>"
      }
      return .reply("l<feature>" + regs.joined() + "</feature>")
    }
    if r == "qfThreadInfo" { return .reply("m01") }
    if r == "qsThreadInfo" { return .reply("l") }
    if r.hasPrefix("Hg") { return .reply("OK") }
    if r.hasPrefix("p"), let n = Int(r.dropFirst(), radix: 16) {
      if n == 33 { return .reply(Self.hexLE(0x3c5, bytes: 4)) }  // EL1h
      if let name = registerList.first(where: { $0.1 == n })?.0 {
        return .reply(Self.hexLE(systemRegisters[name]!))
      }
      return .reply("E45")
    }
    if r == "Qqemu.PhyMemMode:1" || r == "Qqemu.PhyMemMode:0" {
      lock.withLock { _phyMemMode = r.hasSuffix("1") }
      return .reply("OK")
    }
    if r.hasPrefix("m"), let comma = r.firstIndex(of: ","),
      let n = Int(r[r.index(after: comma)...], radix: 16)
    {
      return .reply(String(repeating: "00", count: min(n, 4096)))
    }
    if r == "D" || r == "D;1" { return .reply("OK") }
    return .reply("")
  }
}
