import Foundation
import MMUScript
import MMUTestSupport
import Testing

/// `mmush --help` and the command line's own diagnostics.
@Suite("Command line")
struct CommandLineTests {
  /// Value names say what an option takes, defaults are the interpreter's own, and the
  /// discussion is one wrapped paragraph (no line break in mid-sentence).
  @Test func helpNamesValuesAndDefaults() throws {
    let r = try MMUSH.run(["--help"])
    #expect(r.status == 0)
    let text = r.stdout
    for shown in [
      "-c <statements>", "-I <dir>", "--allow-write <dir>", "--max-steps <n>",
      "--max-memory <size>", "[<script> ...]",
    ] {
      #expect(text.contains(shown), "--help lacks \(shown)")
    }
    let o = InterpreterOptions()
    #expect(text.contains("(default: \(o.maxSteps))"))
    #expect(text.contains("(default: \(o.maxCallDepth))"))
    #expect(text.contains("(default: \(o.maxOutputItems))"))
    #expect(o.maxMemory == 1 << 30 && text.contains("(default: 1G)"))
    // Every line of the discussion but its last fills most of the 80-column width.
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let start = try #require(lines.firstIndex { $0.hasPrefix("With no script") })
    let end = try #require(lines[start...].firstIndex { $0.isEmpty })
    for line in lines[start..<(end - 1)] {
      #expect(line.count > 60, "a stray line break: '\(line)'")
    }
  }

  /// On a one-CPU machine, naming CPU 5 says how to get one.
  @Test func missingCPUHintsCpus() throws {
    let r = try MMUSH.run(["-c", "on cpu 5 { }"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("hint: the machine has 1 CPU: `cpus 6` adds CPUs up to cpu5"))
  }
}
