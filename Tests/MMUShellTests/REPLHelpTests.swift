import Foundation
import MMU
import MMUShell
import MMUSyntax
import MMUTestSupport
import Testing

/// The REPL's help table: complete, consistent, and every example runs.
@Suite("REPL help")
struct REPLHelpTests {
  /// Every example of every topic, labelled for the test report.
  static let examples: [(topic: String, script: String)] = REPLHelp.topics.flatMap { t in
    t.examples.map { (t.name, $0) }
  }

  @Test func everyStatementHasATopic() {
    for word in REPLCompleter.statementWords where word != "else" && word != "return" {
      #expect(REPLHelp.topic(named: word) != nil, "no help for \(word)")
    }
    for command in REPLCompleter.replCommands {
      #expect(REPLHelp.topic(named: command) != nil, "no help for \(command)")
    }
  }

  @Test func overviewListsEveryTopicOnce() {
    let listed = REPLHelp.groups.flatMap(\.names)
    #expect(Set(listed).count == listed.count)
    #expect(Set(listed) == Set(REPLHelp.topics.map(\.name)))
    let overview = REPLHelp.overview()
    for t in REPLHelp.topics {
      #expect(overview.contains("  \(t.name)  "), "\(t.name)")
      #expect(!t.summary.contains("\n"), "\(t.name): the summary is one line")
    }
  }

  @Test func topicText() throws {
    let map = try #require(REPLHelp.topic(named: "map"))
    let text = REPLHelp.text(for: map)
    #expect(text.contains("Syntax:"))
    #expect(text.contains("map [SPACE] VA -> PA size SIZE [ATTRS]"))
    #expect(text.contains("ATTRS:"))
    #expect(text.contains("Example:"))
    #expect(REPLHelp.topic(named: "save")?.name == ":save")
    #expect(REPLHelp.topic(named: ":save")?.name == ":save")
    #expect(REPLHelp.topic(named: "reset")?.name == "reset")
    #expect(REPLHelp.topic(named: "trans")?.name == "translate")
    #expect(REPLHelp.topic(named: "nosuch") == nil)
    #expect(REPLHelp.unknown("wlak").contains("did you mean 'walk'?"))
  }

  /// Help names every word of the model's tables: TLBIs (with is/os), barrier options, AT
  /// operations, regimes and table formats.
  @Test func helpListsTheModelsWords() throws {
    func help(_ name: String) throws -> String {
      REPLHelp.text(for: try #require(REPLHelp.topic(named: name)))
    }
    let tlbi = try help("tlbi")
    for op in TLBIOperation.vocabulary where op.domain == .local {
      #expect(tlbi.contains(" \(op.word)"), "help tlbi lacks \(op.word)")
    }
    #expect(tlbi.contains("`is`") && tlbi.contains("`os`") && tlbi.contains("size SIZE"))
    #expect(try help("dsb").contains("dsb [" + BarrierDomain.words.joined(separator: "|") + "]"))
    #expect(try help("at").contains("at " + ATOperation.words.joined(separator: "|") + " VA"))
    let regimes = try help("regimes")
    for r in AccessRegime.words { #expect(regimes.contains("\n  \(r) "), "\(r)") }
    #expect(try help("decode").contains("regime " + Regime.words.joined(separator: "|")))
  }

  /// Live-machine statements are the exception: their examples would need a stub.
  @Test func languageTopicsHaveExamples() {
    for t in REPLHelp.topics
    where !t.isREPLCommand && t.name != "include" && LiveCommand(rawValue: t.name) == nil {
      #expect(!t.examples.isEmpty, "\(t.name) has no example")
    }
  }

  /// Each example, run by the real binary on a fresh machine in an empty folder, gives no
  /// diagnostic and no failed assertion.
  @Test(arguments: examples.indices)
  func exampleRuns(_ index: Int) throws {
    let (topic, script) = Self.examples[index]
    // `load` needs a core file; its example is checked against a real one in
    // MMUCoreFileTests.
    if topic == "load" { return }
    let folder = try TemporaryFolder("mmush-help")
    defer { folder.remove() }
    let r = try MMUSH.run(["-c", script], directory: folder.path)
    #expect(r.status == 0, "help \(topic): exit \(r.status)\n\(script)\n\(r.stderr)\(r.stdout)")
    #expect(!r.stderr.contains("error"), "help \(topic):\n\(script)\n\(r.stderr)")
  }
}
