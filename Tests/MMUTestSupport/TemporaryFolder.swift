import Foundation

/// A fresh folder under the system's temporary directory, removed by `remove()` or when the
/// value goes away (call `remove()` in a `defer` where a process still uses the path: Swift
/// may release a value after its last use).
package final class TemporaryFolder {
  package let path: String

  /// A folder named `prefix-UUID`.
  package init(_ prefix: String = "mmush-test") throws {
    path = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { remove() }

  package func remove() { try? FileManager.default.removeItem(atPath: path) }

  /// Writes `bytes` to `name` in the folder; returns the path.
  @discardableResult
  package func write(_ name: String, _ bytes: [UInt8]) -> String {
    let p = path + "/" + name
    _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
    return p
  }
}
