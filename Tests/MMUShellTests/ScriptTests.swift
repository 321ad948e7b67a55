import Foundation
import MMUTestSupport
import Testing

/// Every scenario under scripts/ (and every stdlib test script) runs and passes: each must
/// exit 0 with at least one assertion checked and none failed.
@Suite("Scripts")
struct ScriptTests {
  static let scripts = MMUSH.scripts(under: "scripts")

  @Test("scripts/ is not empty") func thereAreScripts() {
    #expect(Self.scripts.count >= 1)
  }

  @Test(arguments: scripts)
  func scriptPasses(_ path: String) {
    let r = InProcess.run(file: path)
    #expect(r.status == 0, "\(path) exited \(r.status)\n\(r.err)\n\(r.out)")
    #expect(r.runner.interpreter.failed == 0, "\(path):\n\(r.out)")
    #expect(r.runner.interpreter.passed > 0, "\(path) asserts nothing")
  }

  /// What each repro demonstrates, as its output must show it (not only assert it).
  static let stories: [String: [String]] = [
    "scripts/repro/asid-reuse-without-aside1.mmu": ["[tlb stale", "asid 5"],
    "scripts/repro/block-split-without-bbm.mmu": [
      "warning: break-before-make", "[tlb conflict: 2 entries match]", "L3 page",
    ],
    "scripts/repro/local-tlbi-on-smp.mmu": ["cpu1 TLB:", "[tlb stale"],
    "scripts/repro/ipas2e1-without-vmalle1.mmu": ["stage 1+2", "[tlb stale"],
    "scripts/repro/ttbr0-el2-switch-no-tlbi.mmu": ["[tlb stale", "from the walk cache"],
    "scripts/repro/vale1-after-table-replace.mmu": ["from the walk cache", "[tlb stale"],
  ]

  @Test(arguments: scripts)
  func scriptShowsItsStory(_ path: String) {
    let r = InProcess.run(file: path)
    // More than its section headings and the summary: the walks, dumps and values it checks.
    let shown = r.out.split(separator: "\n").filter {
      !$0.hasPrefix("== ") && !$0.hasSuffix(" failed")
    }
    #expect(!shown.isEmpty, "\(path) prints nothing but headings")
    for text in Self.stories[path] ?? [] {
      #expect(r.out.contains(text), "\(path) does not show '\(text)':\n\(r.out)")
    }
  }

  @Test("every repro has its story listed")
  func everyReproHasAStory() {
    let repros = Self.scripts.filter { $0.hasPrefix("scripts/repro/") }
    #expect(!repros.isEmpty)
    for p in repros { #expect(Self.stories[p] != nil, "\(p) has no story") }
  }
}
