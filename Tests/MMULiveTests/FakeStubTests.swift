import Foundation
import MMU
import Testing

@testable import MMULive

/// The client against a stub that misbehaves: every failure is a typed error naming the
/// host and the request, within the (short) timeout, never a hang or a crash.
@Suite("Live: fake stub")
struct FakeStubTests {
  /// Short, so that tests of silence are quick; every wait is bounded by it. Stubs that
  /// answer get a longer one, so that a loaded machine does not fail them.
  static let timeout = 0.5
  static let patient = 10.0

  func attach(_ stub: FakeStub, timeout: Double = Self.patient) throws(LiveError) -> LiveTarget {
    try LiveTarget(host: "127.0.0.1", port: stub.port, timeout: timeout)
  }

  /// The problem attaching to a stub that answers `request` with `answer`.
  func problem(answering request: String, with answer: FakeStub.Answer) throws
    -> LiveError
  {
    let stub = try FakeStub { $0.hasPrefix(request) ? answer : nil }
    defer { stub.stop() }
    do {
      let t = try attach(stub, timeout: Self.timeout)
      t.connection.close()
      Issue.record("attached to a stub that answered \(request) with \(answer)")
      return LiveError(host: "", packet: "", problem: .closed)
    } catch {
      #expect(error.host == "127.0.0.1:\(stub.port)")
      return error
    }
  }

  @Test func attachesToAWellBehavedStub() throws {
    let stub = try FakeStub()
    defer { stub.stop() }
    let t = try attach(stub)
    #expect(t.cpus.count == 1)
    #expect(t.cpus[0].el == 1)  // PSTATE 0x3c5: EL1h
    #expect(t.cpus[0].registers[.sctlr_el1] == 0x30d0_1805)  // found as QEMU 7.2's SCTLR
    #expect(t.cpus[0].registers[.hcr_el2] == nil)  // no EL2 in this description
    let pages = t.readPages([0x40000, 0x40001])
    #expect(pages.map { $0?.count } == [4096, 4096])
    #expect(stub.phyMemMode)
    try t.detach(resume: true)
    #expect(!stub.phyMemMode)
    #expect(stub.requests.first == "?")
    #expect(stub.requests.filter { $0.hasPrefix("m") }.count == 4)  // 2048 bytes each
    #expect(stub.requests.last == "D")
  }

  @Test func garbageIsMalformed() throws {
    let e = try problem(
      answering: "?", with: .raw(Array(String(repeating: "garbage ", count: 20).utf8)))
    #expect(e.problem == .malformed("bytes that are not a packet"))
    #expect(e.packet == "?")
  }

  @Test func aPacketCutShortByAnotherIsMalformed() throws {
    let e = try problem(answering: "?", with: .raw(Array("$T05thr$OK#9a".utf8)))
    #expect(e.problem == .malformed("a packet cut short by another"))
  }

  @Test func aTruncatedPacketThenSilenceTimesOut() throws {
    let e = try problem(answering: "qSupported", with: .raw(Array("$PacketSize=10".utf8)))
    #expect(e.problem == .timeout(seconds: Self.timeout))
    #expect(e.packet.hasPrefix("qSupported"))
  }

  @Test func aWrongChecksumIsRefusedThenAnError() throws {
    let e = try problem(answering: "?", with: .raw(Array("$T05#00".utf8)))
    #expect(e.problem == .badChecksum)
  }

  @Test func aHugeReplyIsRefused() throws {
    let huge = [UInt8(ascii: "$")] + [UInt8](repeating: UInt8(ascii: "a"), count: 3 << 20)
    let e = try problem(answering: "?", with: .raw(huge))
    #expect(e.problem == .tooLong(limit: 1 << 20))
  }

  @Test func silenceTimesOut() throws {
    let e = try problem(answering: "qqemu.Supported", with: .silence)
    #expect(e.problem == .timeout(seconds: Self.timeout))
  }

  @Test func aDroppedConnectionIsClosed() throws {
    let e = try problem(answering: "qfThreadInfo", with: .close)
    #expect(e.problem == .closed)
  }

  @Test func aStubThatIsNotQEMU() throws {
    let e = try problem(answering: "qqemu.Supported", with: .reply(""))
    #expect(e.problem == .notQEMU("qqemu.Supported"))
  }

  @Test func anUnknownRegister() throws {
    var regs = FakeStub.defaultRegisters
    regs["TCR_EL1"] = nil
    let stub = try FakeStub(registers: regs)
    defer { stub.stop() }
    do {
      _ = try attach(stub)
      Issue.record("attached with no TCR_EL1")
    } catch {
      #expect(error.problem == .unknownRegister(["TCR_EL1"]))
    }
  }

  @Test func nothingListening() throws {
    // A port just released by a stub: nobody listens there any more.
    let stub = try FakeStub()
    let port = stub.port
    let t = try LiveTarget(host: "127.0.0.1", port: port, timeout: Self.patient)
    try t.detach(resume: true)
    stub.stop()
    do {
      _ = try LiveTarget(host: "127.0.0.1", port: port, timeout: Self.timeout)
      Issue.record("connected to a closed port")
    } catch {
      #expect(error.problem == .connect(errno: ECONNREFUSED))
    }
  }

  @Test func aPageTheStubRefusesReadsAsAbsent() throws {
    let stub = try FakeStub { $0.hasPrefix("m41000") ? .reply("E14") : nil }
    defer { stub.stop() }
    let t = try attach(stub)
    let pages = t.readPages([0x40, 0x41])
    #expect(pages[0]?.count == 4096)
    #expect(pages[1] == nil)
    #expect(t.pendingError == nil)
    try t.detach(resume: true)
  }

  @Test func silenceWhileReadingPagesIsKeptAndTheModeRestored() throws {
    let stub = try FakeStub { $0.hasPrefix("m") ? .silence : nil }
    defer { stub.stop() }
    let t = try attach(stub, timeout: Self.timeout)
    let memory = PhysicalMemory()
    memory.attach(source: t)
    #expect(memory.read64(0x1000) == 0)
    #expect(t.pendingError?.problem == .timeout(seconds: Self.timeout))
    #expect(stub.phyMemMode)
    #expect(t.restore() == nil)
    #expect(!stub.phyMemMode)
    t.connection.close()
  }

  @Test func detachRetriesWithAProcessWhenMultiprocessModeStuck() throws {
    let stub = try FakeStub { $0 == "D" ? .reply("E22") : nil }
    defer { stub.stop() }
    let t = try attach(stub)
    try t.detach(resume: true)
    #expect(stub.requests.suffix(2) == ["D", "D;1"])
  }

  @Test func runLengthEncodingAndEscapesDecode() throws {
    let stub = try FakeStub()
    defer { stub.stop() }
    let t = try attach(stub)
    defer { t.connection.close() }
    // "0* " is "0" and 32 - 29 = 3 more; "}\u{03}" is '#' (0x23 = 0x03 ^ 0x20).
    let decoded = try t.connection.decode(Array("0* x}\u{03}".utf8), packet: "")
    #expect(String(decoding: decoded, as: UTF8.self) == "0000x#")
    #expect(throws: LiveError.self) { try t.connection.decode(Array("*!".utf8), packet: "") }
  }

  @Test func addresses() {
    #expect(LiveTarget.parseAddress("127.0.0.1:1234")! == ("127.0.0.1", 1234))
    #expect(LiveTarget.parseAddress("[::1]:9")! == ("::1", 9))
    #expect(LiveTarget.parseAddress("host") == nil)
    #expect(LiveTarget.parseAddress("host:0") == nil)
    #expect(LiveTarget.parseAddress("host:70000") == nil)
  }

  @Test func targetDescriptionNumbering() {
    var d = TargetDescription()
    d.add(
      "<feature><reg name=\"x0\" bitsize=\"64\" regnum=\"0\"/><reg name='x1' bitsize='64'/>"
        + "<reg name=\"cpsr\" regnum=\"33\" bitsize=\"32\"/><reg name=\"fpsr\"/></feature>",
      file: "core.xml")
    #expect(d.register(["X1"])?.number == 1)
    #expect(d.register(["pstate", "cpsr"])?.number == 33)
    #expect(d.register(["fpsr"])?.number == 34)
    #expect(
      TargetDescription.includes("<xi:include href=\"a.xml\"/><xi:include href='b.xml'/>") == [
        "a.xml", "b.xml",
      ])
  }
}
