import Foundation
import MMUTestSupport
import Testing

/// Every rule the code cites resolves inside the repository: each `architecture.md §N.M` in
/// Sources/, Tests/ and docs/ names a section docs/architecture.md has, nothing cites the
/// team's notes outside the repository, and the rule index names files and test suites that
/// exist.
@Suite("Citations")
struct CitationTests {
  /// The section numbers docs/architecture.md defines (`## N.` and `### N.M` headings).
  static func sections() throws -> Set<String> {
    let doc = try String(contentsOfFile: MMUSH.root + "/docs/architecture.md", encoding: .utf8)
    var out: Set<String> = []
    for line in doc.split(separator: "\n") where line.hasPrefix("#") {
      let words = line.split(separator: " ")
      guard words.count > 1 else { continue }
      let number = words[1].hasSuffix(".") ? words[1].dropLast() : words[1]
      if number.allSatisfy({ $0.isNumber || $0 == "." }), number.first?.isNumber == true {
        out.insert(String(number))
      }
    }
    return out
  }

  /// The text files under the folders the product consists of.
  static func files(under folders: [String], extensions: Set<String>) -> [String] {
    var out: [String] = []
    for folder in folders {
      let base = MMUSH.root + "/" + folder
      guard let walker = FileManager.default.enumerator(atPath: base) else { continue }
      for case let path as String in walker
      where extensions.contains((path as NSString).pathExtension) {
        out.append(base + "/" + path)
      }
    }
    return out.sorted()
  }

  /// `architecture.md §A`, and the `§B` that follow it in the same list (`§A, §B and §C`,
  /// `§A-§B`).
  static func citedSections(in text: String) -> [String] {
    var out: [String] = []
    var rest = Substring(text)
    while let range = rest.range(of: "architecture.md §") {
      var tail = rest[range.upperBound...]
      while true {
        let number = tail.prefix { $0.isNumber || $0 == "." }
        let trimmed = number.hasSuffix(".") ? number.dropLast() : number
        if !trimmed.isEmpty { out.append(String(trimmed)) }
        tail = tail[number.endIndex...]
        let separators = [", §", " and §", ", and §", "-§"]
        guard let sep = separators.first(where: { tail.hasPrefix($0) }) else { break }
        tail = tail.dropFirst(sep.count)
      }
      rest = tail
    }
    return out
  }

  @Test("every architecture.md section cited in Sources, Tests and docs exists")
  func citedSectionsExist() throws {
    let known = try Self.sections()
    #expect(known.contains("4.2") && known.contains("10.6") && known.contains("14"))
    var cited = 0
    for file in Self.files(under: ["Sources", "Tests", "docs"], extensions: ["swift", "md"]) {
      let text = try String(contentsOfFile: file, encoding: .utf8)
      for section in Self.citedSections(in: text) {
        cited += 1
        #expect(known.contains(section), "\(file) cites architecture.md §\(section)")
      }
    }
    #expect(cited > 50, "the code cites its rules (\(cited) citations found)")
  }

  @Test("the citation scanner reads lists and ranges")
  func scannerReadsLists() {
    #expect(
      Self.citedSections(in: "(architecture.md §7.3, §7.4) and architecture.md §8.1-§8.4.")
        == ["7.3", "7.4", "8.1", "8.4"])
  }

  @Test("nothing in the product cites documents outside the repository")
  func noOutsideCitations() throws {
    // Spelled in pieces so that this file does not itself name what it forbids.
    let forbidden = ["vmsa" + "-facts", "language" + ".md", "../" + "shared", "shared" + "/docs"]
    for file in Self.files(
      under: ["Sources", "Tests", "docs", "scripts", "stdlib"], extensions: ["swift", "md", "mmu"])
    where !file.hasSuffix("CitationTests.swift") {
      let text = try String(contentsOfFile: file, encoding: .utf8)
      for word in forbidden {
        #expect(!text.contains(word), "\(file) mentions \(word)")
      }
    }
  }

  @Test("the rule index names files and test suites that exist")
  func ruleIndexResolves() throws {
    let doc = try String(contentsOfFile: MMUSH.root + "/docs/architecture.md", encoding: .utf8)
    guard let start = doc.range(of: "## 14. Rule index") else {
      Issue.record("docs/architecture.md has no rule index")
      return
    }
    let tests = Self.files(under: ["Tests"], extensions: ["swift"]).joined(separator: "\n")
    var allTests = ""
    for file in tests.split(separator: "\n") {
      allTests += (try? String(contentsOfFile: String(file), encoding: .utf8)) ?? ""
    }
    var rows = 0
    for line in doc[start.upperBound...].split(separator: "\n") where line.hasPrefix("| ") {
      let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count == 4, cells[0] != "rule", !cells[0].hasPrefix("---") else { continue }
      rows += 1
      for name in Self.backticked(cells[2]) {
        #expect(
          FileManager.default.fileExists(atPath: MMUSH.root + "/Sources/MMU/" + name),
          "rule index: Sources/MMU/\(name) does not exist")
      }
      for suite in Self.backticked(cells[3]) {
        #expect(
          allTests.contains("struct \(suite)"), "rule index: no test suite struct \(suite)")
      }
    }
    #expect(rows >= 20, "the rule index has a row per rule group (\(rows))")
  }

  static func backticked(_ cell: String) -> [String] {
    cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter {
      $0.offset % 2 == 1
    }.map { String($0.element) }
  }
}
