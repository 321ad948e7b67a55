import MMUTestSupport
import Testing

@testable import MMUSyntax

/// Hostile input never traps: whatever the bytes, parsing returns statements or one
/// diagnostic located inside the file, and whatever parses also round-trips.
@Suite("Robustness")
struct RobustnessTests {
  /// Parses, then checks the outcome is well-formed.
  func check(_ file: SourceFile) throws {
    do {
      let statements = try parse(file)
      let printed = ASTPrinter.format(statements)
      let reparsed = try parse(SourceFile(name: file.name, text: printed))
      #expect(shape(reparsed) == shape(statements), "printed:\n\(printed)")
    } catch {
      let start = error.range.start
      #expect(start.line >= 1 && start.line <= file.lineCount)
      #expect(start.column >= 1)
      #expect(start.offset >= 0 && start.offset <= file.bytes.count)
      #expect(error.range.end.offset >= start.offset)
      #expect(!render(error, source: file).isEmpty)
    }
  }

  @Test("random bytes")
  func randomBytes() throws {
    var random = SplitMix64(seed: 1)
    let alphabet =
      Array("map walk 0x1000 -> size 4k ( ) { } \" \\ \n # , . = == el1 - ~ !".utf8) + [
        0, 0xFF, 0xC3,
      ]
    for _ in 0..<500 {
      let count = random.below(60)
      let bytes = (0..<count).map { _ in alphabet[random.below(alphabet.count)] }
      try check(SourceFile(name: "r.mmu", bytes: bytes))
    }
  }

  @Test("token soup from the corpus: deletions, duplications and swaps of whole tokens")
  func mutatedPrograms() throws {
    var random = SplitMix64(seed: 42)
    for text in RoundTripTests.corpus {
      let file = source(text)
      let tokens = try tokenize(file)
      let pieces = tokens.dropLast().map { token -> String in
        let bytes = file.bytes[token.range.start.offset..<token.range.end.offset]
        let spelled = String(decoding: bytes, as: UTF8.self)
        return token.kind == .newline ? "\n" : spelled
      }
      for _ in 0..<150 {
        var mutated = pieces
        for _ in 0...random.below(3) {
          let i = random.below(mutated.count)
          switch random.below(3) {
          case 0: mutated.remove(at: i)
          case 1: mutated.insert(mutated[i], at: i)
          default: mutated.swapAt(i, random.below(mutated.count))
          }
        }
        try check(source(mutated.joined(separator: " ")))
      }
    }
  }

  @Test("a large script parses in one pass")
  func largeScript() throws {
    let line = "map kern 0xffff_0000_0000_0000 + 0x1000 -> 0x4000_0000 size 4k rw nx\n"
    let statements = try program(String(repeating: line, count: 20_000))
    #expect(statements.count == 20_000)
    #expect(span(statements[19_999].range).hasPrefix("20000:1-"))
  }
}
