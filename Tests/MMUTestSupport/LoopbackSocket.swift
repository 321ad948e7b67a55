import Foundation

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// TCP sockets on 127.0.0.1 only: the tests never listen on another interface.
package enum LoopbackSocket {
  /// A TCP socket bound to 127.0.0.1 and a port the kernel chose, listening when asked;
  /// the caller closes it.
  package static func bound(listening: Bool) throws -> (socket: Int32, port: UInt16) {
    let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard s >= 0 else { throw POSIXError(.EMFILE) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(s, $0, len) == 0 && (!listening || listen(s, 1) == 0)
          && getsockname(s, $0, &len) == 0
      }
    }
    guard ok else {
      close(s)
      throw POSIXError(.EADDRNOTAVAIL)
    }
    return (s, UInt16(bigEndian: addr.sin_port))
  }

  /// A port nobody listens on now (bound, read back, released).
  package static func freePort() throws -> UInt16 {
    let (s, port) = try bound(listening: false)
    close(s)
    return port
  }
}
