/// A failure talking to a live machine's debugger stub: which stub, the request that was
/// outstanding, and what went wrong. Typed, with no wording: the shell words it.
public struct LiveError: Error, Equatable, Sendable {
  public enum Problem: Equatable, Sendable {
    /// The host name did not resolve (the resolver's message).
    case resolve(String)
    /// `HOST:PORT` is not of that form.
    case badAddress
    /// connect() failed (refused, unreachable): the errno.
    case connect(errno: Int32)
    /// A send or receive failed: the errno.
    case io(errno: Int32)
    /// No complete reply within the timeout, in seconds.
    case timeout(seconds: Double)
    /// The stub closed the connection.
    case closed
    /// A reply failed its checksum (after asking for it again).
    case badChecksum
    /// Bytes that are not a packet, or a packet cut short or badly escaped.
    case malformed(String)
    /// A reply longer than the limit, in bytes.
    case tooLong(limit: Int)
    /// The stub answered `E NN`.
    case errorReply(String)
    /// The stub answered with an empty packet: it does not know the request.
    case unsupported
    /// The stub does not behave as QEMU's does: what is missing.
    case notQEMU(String)
    /// The target description names no register by any of these names.
    case unknownRegister([String])
    /// A reply that does not parse as the request's answer (the reply, shortened).
    case unexpectedReply(String)
    /// The target description is not what the protocol describes.
    case badTargetDescription(String)
    /// A signal asked the run to stop.
    case interrupted
    /// The session was already detached.
    case notAttached
  }

  public var host: String
  /// The request outstanding (shortened), empty when none was.
  public var packet: String
  public var problem: Problem

  public init(host: String, packet: String, problem: Problem) {
    self.host = host
    self.packet = packet.count > 64 ? String(packet.prefix(61)) + "..." : packet
    self.problem = problem
  }
}
