/// A fixed word list of the model: the instructions, barrier options and regimes a script
/// names. The language's lexer, parser, completer, help and "did you mean" hints all read
/// these tables, so every word the model implements is a word the language accepts, and no
/// other layer keeps a copy that could fall behind.
public protocol Vocabulary: Sendable, Equatable {
  /// Every value, in the order help and completion list them.
  static var vocabulary: [Self] { get }
  /// The value's spelling in a script: the instruction's or option's name, lower case.
  var word: String { get }
}

extension Vocabulary {
  /// The value spelled `word` (exactly: scripts use lower case), or nil.
  public init?(word: String) {
    guard let v = Self.vocabulary.first(where: { $0.word == word }) else { return nil }
    self = v
  }

  /// Every spelling, in table order.
  public static var words: [String] { vocabulary.map(\.word) }
}

extension Vocabulary where Self: CaseIterable & RawRepresentable, RawValue == String {
  public static var vocabulary: [Self] { Array(allCases) }
  public var word: String { rawValue }
}
