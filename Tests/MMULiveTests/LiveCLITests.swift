import Foundation
import MMUTestSupport
import Testing

/// `mmush --attach` failing: exit 2 with the host, the request and what went wrong, within
/// the timeout; and a session whose stub dies mid-run.
@Suite("Live: command line")
struct LiveCLITests {
  @Test func silenceIsAnErrorWithTheHostAndRequest() throws {
    let stub = try FakeStub { $0 == "?" ? .silence : nil }
    defer { stub.stop() }
    let r = try MMUSH.run(
      ["--attach", "127.0.0.1:\(stub.port)", "--live-timeout", "0.5"], script: "walk el1 0",
      seconds: 30)
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        "--attach:1:1: error: 127.0.0.1:\(stub.port) (request '?'): no answer within 0.5 s"),
      "\(r.stderr)")
  }

  @Test func noListener() throws {
    let stub = try FakeStub()
    let port = stub.port
    // Connect once so the stub's thread ends, then nobody listens on the port.
    _ = try? MMUSH.run(["--attach", "127.0.0.1:\(port)"], script: "detach", seconds: 30)
    stub.stop()
    let r = try MMUSH.run(["--attach", "127.0.0.1:\(port)"], script: "", seconds: 30)
    #expect(r.status == 2)
    #expect(
      r.stderr.contains("127.0.0.1:\(port): cannot connect: Connection refused"), "\(r.stderr)")
  }

  @Test func aStubDyingMidSessionEndsTheRunWithTheError() throws {
    let stub = try FakeStub { $0.hasPrefix("m") ? .close : nil }
    defer { stub.stop() }
    let r = try MMUSH.run(
      ["--attach", "127.0.0.1:\(stub.port)"], script: "walk el1 0x1000\necho after",
      seconds: 30)
    #expect(r.status == 2)
    #expect(r.stderr.contains("the stub closed the connection"), "\(r.stderr)")
    #expect(!r.stdout.contains("after"))
  }

  @Test func aBatchRunThatEndsAttachedRestoresTheModeAndDetaches() throws {
    let stub = try FakeStub()
    defer { stub.stop() }
    let r = try MMUSH.run(
      ["--attach", "127.0.0.1:\(stub.port)"], script: "mem read 0x40000000", seconds: 30)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("never the guest"))
    let requests = stub.requests
    #expect(requests.contains("Qqemu.PhyMemMode:1"))
    #expect(requests.suffix(2) == ["Qqemu.PhyMemMode:0", "D"])
    #expect(!requests.contains { $0.hasPrefix("M") || $0.hasPrefix("X") || $0.hasPrefix("G") })
  }

  @Test func detachWithoutAttachIsAnError() throws {
    let r = try MMUSH.run([], script: "detach", seconds: 30)
    #expect(r.status == 2)
    #expect(r.stderr.contains("no live machine is attached"))
  }

  @Test func badAddressIsAUsageError() throws {
    let r = try MMUSH.run(["--attach", "nohost"], script: "", seconds: 30)
    #expect(r.status == 2)
    #expect(r.stderr.contains("--attach takes HOST:PORT"))
  }
}

/// `refresh` and signals, against the fake stub.
@Suite("Live: refresh and signals")
struct LiveSessionTests {
  @Test func refreshForgetsPagesReadButKeepsPagesWritten() throws {
    let stub = try FakeStub()
    defer { stub.stop() }
    let script = """
      mem write 0x40001000 = 5
      mem read 0x40000000
      refresh
      mem read 0x40000000
      mem read 0x40001000
      """
    let r = try MMUSH.run(["--attach", "127.0.0.1:\(stub.port)"], script: script, seconds: 30)
    #expect(r.status == 0, "\(r.stderr)")
    // The page at 0x40000000 is read again after refresh (two 2048-byte requests each
    // time); the written page 0x40001000 was read once, before the write, and kept.
    let reads = stub.requests.filter { $0.hasPrefix("m") }
    #expect(reads.filter { $0.hasPrefix("m40000000,") }.count == 2)
    #expect(reads.filter { $0.hasPrefix("m40001000,") }.count == 1)
    #expect(r.stdout.contains("0x4000_1000: 0x5"), "\(r.stdout)")
    #expect(r.stdout.contains("refreshed 127.0.0.1:\(stub.port): cpu0 el1 (thread 01)"))
  }

  @Test func resetWhileAttachedIsTheGuestAgain() throws {
    let stub = try FakeStub()
    defer { stub.stop() }
    let script = "mem write 0x40000000 = 7\nreset\nmem read 0x40000000\nshow cpus"
    let r = try MMUSH.run(["--attach", "127.0.0.1:\(stub.port)"], script: script, seconds: 30)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("0x4000_0000: 0x0\n"), "\(r.stdout)")
    #expect(r.stdout.contains("cpu0  EL1"), "\(r.stdout)")
    #expect(stub.requests.filter { $0.hasPrefix("m40000000,") }.count == 2)
  }

  @Test func aSignalInABatchRunRestoresTheMode() throws {
    // The stub never answers a memory read: mmush waits (60 s timeout) until SIGTERM.
    let stub = try FakeStub { $0.hasPrefix("m") ? .silence : nil }
    defer { stub.stop() }
    let temporary = try TemporaryFolder("mmush-live-signal")
    defer { temporary.remove() }
    let dir = temporary.path
    try "mem read 0x40000000".write(toFile: dir + "/s.mmu", atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: MMUSH.binary)
    p.arguments = ["--attach", "127.0.0.1:\(stub.port)", "--live-timeout", "60", dir + "/s.mmu"]
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
    try p.run()
    defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
    // Wait (at most 20 s) until the read is outstanding.
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline && !stub.requests.contains(where: { $0.hasPrefix("m") }) {
      usleep(20_000)
    }
    try #require(stub.requests.contains { $0.hasPrefix("m") })
    kill(p.processIdentifier, SIGTERM)
    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 2)
    #expect(text.contains("interrupted"), "\(text)")
    #expect(!stub.phyMemMode)
    #expect(stub.requests.contains("Qqemu.PhyMemMode:0"))
  }
}
