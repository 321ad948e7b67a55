import Foundation
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
