import MMULive
import MMUScript

#if canImport(Glibc)
  import Glibc
#endif

/// The wording of a live session: its reports and its failures (host, packet, problem).
public enum LiveText {
  /// `HOST:PORT: PACKET: what went wrong`.
  public static func describe(_ e: LiveError) -> String {
    let packet = e.packet.isEmpty ? "" : " (request '\(e.packet)')"
    return "\(e.host)\(packet): \(problem(e.problem))"
  }

  static func problem(_ p: LiveError.Problem) -> String {
    switch p {
    case .resolve(let m): return "cannot resolve the host: \(m)"
    case .badAddress: return "not a HOST:PORT address"
    case .connect(let e): return "cannot connect: \(String(cString: strerror(e)))"
    case .io(let e): return "connection error: \(String(cString: strerror(e)))"
    case .timeout(let s): return "no answer within \(seconds(s))"
    case .closed: return "the stub closed the connection"
    case .badChecksum: return "a reply failed its checksum three times"
    case .malformed(let what): return "malformed reply: \(what)"
    case .tooLong(let n): return "a reply longer than \(n) bytes"
    case .errorReply(let code): return "the stub answered \(code)"
    case .unsupported: return "the stub does not support this request (empty reply)"
    case .notQEMU(let what): return "not a QEMU gdbstub: no \(what)"
    case .unknownRegister(let names):
      return "the target description has no register \(names.joined(separator: " or "))"
    case .unexpectedReply(let r): return "unexpected reply '\(r)'"
    case .badTargetDescription(let what): return "bad target description: \(what)"
    case .interrupted: return "interrupted"
    case .notAttached: return "not attached"
    }
  }

  static func seconds(_ s: Double) -> String {
    s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
  }

  static func cpus(_ list: [(thread: String, el: Int)]) -> String {
    list.enumerated().map { "cpu\($0.offset) el\($0.element.el) (thread \($0.element.thread))" }
      .joined(separator: ", ")
  }

  /// The lines an event prints.
  public static func lines(_ e: LiveEvent) -> [String] {
    switch e.kind {
    case .attached(let list):
      var out = ["attached to \(e.host): \(cpus(list))"]
      if e.first {
        out.append(
          "memory is read from the guest as walks need it; map and mem write change mmush's copy only, never the guest"
        )
      }
      return out
    case .refreshed(let list): return ["refreshed \(e.host): \(cpus(list))"]
    case .detached(let halted):
      return ["detached from \(e.host): the guest is \(halted ? "left halted" : "running")"]
    }
  }
}
