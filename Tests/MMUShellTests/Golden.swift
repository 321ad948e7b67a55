import Foundation
import MMUTestSupport
import Testing

/// Golden files: rendered output pinned byte for byte.
///
/// To regenerate them after a deliberate change, run the suite with MMUSH_UPDATE_GOLDEN=1
/// (`MMUSH_UPDATE_GOLDEN=1 swift test --filter Views`) and review the diff by hand: every
/// number in them is derived from the architecture in the comments of the `.mmu` beside each.
enum Golden {
  static let viewsDirectory = MMUSH.root + "/Tests/MMUShellTests/Golden/views"

  /// True when the run rewrites golden files instead of comparing with them.
  static var updating: Bool { ProcessInfo.processInfo.environment["MMUSH_UPDATE_GOLDEN"] == "1" }

  /// A file's text, nil when it cannot be read.
  static func read(_ path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return String(decoding: data, as: UTF8.self)
  }

  /// Compares `actual` with the golden file byte for byte (or rewrites it when updating).
  static func expect(
    _ name: String, _ actual: String, directory: String = viewsDirectory,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    let path = directory + "/" + name
    if updating {
      _ = FileManager.default.createFile(atPath: path, contents: Data(actual.utf8))
      return
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      Issue.record(
        "missing golden \(path): run with MMUSH_UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
      return
    }
    let expected = [UInt8](data)
    let got = Array(actual.utf8)
    guard expected != got else { return }
    // The first differing line, to make the failure readable.
    let e = String(decoding: expected, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false)
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var i = 0
    while i < min(e.count, a.count) && e[i] == a[i] { i += 1 }
    let want = i < e.count ? String(e[i]) : "<end of file>"
    let have = i < a.count ? String(a[i]) : "<end of output>"
    Issue.record(
      "\(name) differs at line \(i + 1):\n  golden: \(want)\n  actual: \(have)\n(regenerate with MMUSH_UPDATE_GOLDEN=1 after checking the change)",
      sourceLocation: sourceLocation)
  }
}
