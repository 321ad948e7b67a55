import Foundation
import Testing

/// Every scenario under scripts/ (and every stdlib test script) runs and passes: each must
/// exit 0 with at least one assertion checked and none failed.
@Suite("Scripts")
struct ScriptTests {
  static let scripts = Support.scripts(under: "scripts")

  @Test("scripts/ is not empty") func thereAreScripts() {
    #expect(Self.scripts.count >= 1)
  }

  @Test(arguments: scripts)
  func scriptPasses(_ path: String) {
    let r = Support.runInProcess(path: path)
    #expect(r.status == 0, "\(path) exited \(r.status)\n\(r.errors)\n\(r.output)")
    #expect(r.runner.interpreter.failed == 0, "\(path):\n\(r.output)")
    #expect(r.runner.interpreter.passed > 0, "\(path) asserts nothing")
  }
}
