import Foundation
import MMUScript
import MMUShell
import MMUSyntax
import MMUTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The examples in docs/reference.md run: each ```mmu block in a fresh machine, with no
/// error and no failed assertion.
@Suite("Reference examples")
struct ReferenceTests {
  struct Example: CustomTestStringConvertible, Sendable {
    var line: Int
    var text: String
    var testDescription: String { "reference.md:\(line)" }
  }

  static let examples: [Example] = {
    guard
      let doc = try? String(contentsOfFile: MMUSH.root + "/docs/reference.md", encoding: .utf8)
    else {
      return []
    }
    var out: [Example] = []
    var current: [String]?
    var start = 0
    for (i, line) in doc.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if current == nil, line == "```mmu" {
        current = []
        start = i + 2
      } else if current != nil, line == "```" {
        out.append(Example(line: start, text: current!.joined(separator: "\n")))
        current = nil
      } else if current != nil {
        current!.append(String(line))
      }
    }
    return out
  }()

  @Test func theReferenceHasExamples() { #expect(Self.examples.count >= 14) }

  @Test(arguments: examples)
  func exampleRuns(_ e: Example) {
    // Examples write only into their own folder: allowing all of /tmp would let an example's
    // `../x` (relative to a clone under /tmp) through.
    mkdir("/tmp/mmush-reference", 0o755)
    // Line numbers in diagnostics point into the document.
    let padded = String(repeating: "\n", count: e.line - 1) + e.text
    let r = InProcess.run(
      files: [SourceFile(name: "docs/reference.md", text: padded)],
      allowWrite: ["/tmp/mmush-reference"])
    #expect(r.status == 0, "\(r.err)\(r.out)")
  }
}
