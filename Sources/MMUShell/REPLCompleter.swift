import MMU
import MMUScript
import MMUSyntax

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// What completion needs to know of a live session.
public struct CompletionSnapshot: Sendable {
  public var variables: [String]
  public var procedures: [String]
  public var spaces: [String]
  /// Folders `import` searches, in order.
  public var modulePaths: [String]
  /// The names `snapshot dump … as NAME` kept, sorted.
  public var dumpSnapshots: [String]

  public init(
    variables: [String] = [], procedures: [String] = [], spaces: [String] = [],
    modulePaths: [String] = [], dumpSnapshots: [String] = []
  ) {
    self.variables = variables
    self.procedures = procedures
    self.spaces = spaces
    self.modulePaths = modulePaths
    self.dumpSnapshots = dumpSnapshots
  }

  /// The session as it stands.
  public init(_ interpreter: Interpreter) {
    self.init(
      variables: interpreter.variables, procedures: interpreter.procedureNames,
      spaces: interpreter.machine.spaceOrder, modulePaths: interpreter.options.modulePaths,
      dumpSnapshots: interpreter.dumpSnapshots.keys.sorted())
  }
}

/// A file or folder, as completion lists them.
public struct DirectoryEntry: Sendable, Equatable {
  public var name: String
  public var isDirectory: Bool
  public init(_ name: String, isDirectory: Bool = false) {
    self.name = name
    self.isDirectory = isDirectory
  }
}

/// Tab completion that knows the language: command words, the options of the command being
/// typed, registers and `REG.` fields, spaces, variables and procedures, TLBI and AT operations,
/// stdlib modules after `import "`, file names inside quotes, and the REPL's `:` commands.
///
/// Pure: the session comes in as a snapshot and the file system as a function, so every rule
/// can be tested without a terminal.
public struct REPLCompleter: Sendable {
  public var snapshot: CompletionSnapshot
  /// Lists a folder (relative paths are relative to the current directory).
  public var listDirectory: @Sendable (String) -> [DirectoryEntry]

  public init(
    snapshot: CompletionSnapshot,
    listDirectory: @escaping @Sendable (String) -> [DirectoryEntry] = REPLCompleter.listFileSystem
  ) {
    self.snapshot = snapshot
    self.listDirectory = listDirectory
  }

  /// The words that start a statement (Parser's command words and the keywords).
  public static let statementWords =
    [
      "let", "proc", "if", "else", "for", "return", "import", "include", "print", "echo", "reset",
      "set", "cpus", "cpu", "on", "show", "space", "map", "unmap", "protect", "switch", "translate",
      "mem", "decode", "walk", "at", "explain", "tlbi", "dsb", "isb", "tlb", "assert", "expect",
      "dump", "layout", "graph", "load",
    ] + MMUSyntax.LiveCommand.allCases.map(\.rawValue)
    + MMUSyntax.TableStatementWord.allCases.map(\.rawValue)

  /// The characters that end a word for completion (the line editor is given the same). `.`
  /// is not one, so `tcr_el1.t0sz` is one word; nor are `/` and `-`, so a path typed after
  /// `:load` is one word; nor is `:`, so `:load` is.
  public static let wordBreakCharacters = " \t\n\"'(),;=+*%<>&|^!~{}[]"

  /// The REPL's own commands.
  public static let replCommands = [":help", ":load", ":reset", ":save", ":history", ":quit"]

  /// `set` words other than registers.
  public static let settings = [
    "granule", "va_bits", "pa_bits", "ipa_bits", "el", "lpa2", "vhe", "stage2", "pan",
    "table_pool", "feature", "tlb_speculative", "strict_barriers", "bbm_check", "max_steps",
    "max_depth",
    "max_memory", "max_output", "hex_grouping", "memory_budget",
  ]

  static let switchSettings = [
    "lpa2", "vhe", "stage2", "pan", "tlb_speculative", "strict_barriers", "bbm_check",
  ]
  static let granules = ["4k", "16k", "64k"]
  static let regimes = AccessRegime.words
  static let accesses = MMUSyntax.AccessKind.allCases.map(\.rawValue)
  static let registers = SystemRegister.allCases.map(\.name)
  static let attributes = Attribute.words

  // MARK: - Entry points

  /// Candidates for the word at `cursor` (a UTF-8 offset), split as readline splits it with
  /// the line editor's word-break characters and `"` as the quote.
  public func complete(line: String, cursor: Int) -> [String] {
    let start = Self.wordStart(line: line, cursor: cursor)
    return complete(line: line, start: start, end: cursor)
  }

  /// Candidates for `line.utf8[start..<end]`, each a full replacement of that word, sorted.
  public func complete(line: String, start: Int, end: Int) -> [String] {
    let bytes = Array(line.utf8)
    let s = min(max(start, 0), bytes.count)
    let e = min(max(end, s), bytes.count)
    let before = String(decoding: bytes[..<s], as: UTF8.self)
    let word = String(decoding: bytes[s..<e], as: UTF8.self)
    let scan = Scan(before)
    if scan.inComment { return [] }
    let candidates: [String]
    if scan.inString {
      candidates = quoted(scan.words, word: word)
    } else {
      candidates = unquoted(scan.words, word: word)
    }
    return Self.filter(candidates, word: word)
  }

  /// Where the word ending at `cursor` starts: after the last word-break character, or after
  /// an opening quote when the cursor is inside a string (as readline decides).
  public static func wordStart(line: String, cursor: Int) -> Int {
    let bytes = Array(line.utf8)
    let end = min(max(cursor, 0), bytes.count)
    // An open quote wins, as in readline's _rl_find_completion_word.
    var quoteStart: Int?
    var i = 0
    while i < end {
      let b = bytes[i]
      if quoteStart != nil {
        if b == UInt8(ascii: "\\") {
          i += 2
          continue
        }
        if b == UInt8(ascii: "\"") { quoteStart = nil }
      } else if b == UInt8(ascii: "\"") {
        quoteStart = i
      }
      i += 1
    }
    if let q = quoteStart { return q + 1 }
    let breaks = Set(wordBreakCharacters.utf8)
    var start = end
    while start > 0, !breaks.contains(bytes[start - 1]) { start -= 1 }
    return start
  }

  static func filter(_ candidates: [String], word: String) -> [String] {
    var matches = Set(candidates.filter { $0.hasPrefix(word) })
    if matches.isEmpty {
      let lower = word.lowercased()
      matches = Set(candidates.filter { $0.lowercased().hasPrefix(lower) })
    }
    return matches.sorted()
  }

  // MARK: - Inside quotes

  func quoted(_ words: [String], word: String) -> [String] {
    if words.first == "import" { return modules() }
    return files(word)
  }

  /// Every `.mmu` file on the module path, as `import` names it (`linux/arm64`).
  public func modules() -> [String] {
    var names: [String] = []
    for root in snapshot.modulePaths {
      collectModules(root, prefix: "", depth: 0, into: &names)
    }
    return names
  }

  func collectModules(_ folder: String, prefix: String, depth: Int, into names: inout [String]) {
    guard depth < 4, names.count < 2000 else { return }
    for entry in listDirectory(folder) where !entry.name.hasPrefix(".") {
      if entry.isDirectory {
        collectModules(
          folder + "/" + entry.name, prefix: prefix + entry.name + "/", depth: depth + 1,
          into: &names)
      } else if entry.name.hasSuffix(".mmu") {
        names.append(prefix + String(entry.name.dropLast(4)))
      }
    }
  }

  /// Files and folders matching a partial path; folders end in `/`.
  public func files(_ word: String) -> [String] {
    let folder: String
    let shown: String
    if let slash = word.lastIndex(of: "/") {
      shown = String(word[...slash])
      folder = shown
    } else {
      shown = ""
      folder = "."
    }
    let base = word.lastIndex(of: "/").map { String(word[word.index(after: $0)...]) } ?? word
    return listDirectory(folder).compactMap { entry in
      if entry.name.hasPrefix(".") && !base.hasPrefix(".") { return nil }
      if entry.name == "." || entry.name == ".." { return nil }
      return shown + entry.name + (entry.isDirectory ? "/" : "")
    }
  }

  // MARK: - Outside quotes

  /// The words of the statement before the one being completed.
  func unquoted(_ words: [String], word: String) -> [String] {
    // `REG.` → that register's fields.
    if let dot = word.firstIndex(of: "."), !(words.first ?? "").hasPrefix(":") {
      let name = String(word[..<dot])
      if let register = SystemRegister(name: name) {
        var fields: [String] = []
        for f in register.fields(vhe: false) + register.fields(vhe: true)
        where !fields.contains(f.name) {
          fields.append(f.name)
        }
        return fields.map { name + "." + $0 }
      }
      return []
    }
    guard let command = words.first else {
      if word.hasPrefix(":") { return Self.replCommands }
      return Self.statementWords + ["help"] + snapshot.procedures + snapshot.variables
    }
    let args = Array(words.dropFirst())
    if command.hasPrefix(":") { return replArguments(command, args, word: word) }
    return arguments(of: command, args)
  }

  func replArguments(_ command: String, _ args: [String], word: String) -> [String] {
    guard args.isEmpty else { return [] }
    let resolved = Self.replCommands.filter { $0.hasPrefix(command) }
    guard resolved.count == 1 else { return [] }
    switch resolved[0] {
    case ":help": return helpTopics
    case ":load", ":save": return files(word)
    default: return []
    }
  }

  var helpTopics: [String] { REPLHelp.topics.map(\.name) }

  /// Values an expression may use.
  var expression: [String] {
    snapshot.variables + snapshot.procedures + Interpreter.builtinFunctionNames + Self.registers
      + snapshot.spaces + Self.regimes + ["true", "false"]
  }

  var values: [String] { snapshot.variables }

  /// The options of `command` not used yet.
  static func unused(_ options: [String], _ args: [String]) -> [String] {
    options.filter { !args.contains($0) }
  }

  /// The candidates after `command args… `, by command.
  func arguments(of command: String, _ args: [String]) -> [String] {
    let last = args.last
    switch command {
    case "help": return args.isEmpty ? helpTopics : []
    case "let": return args.count >= 2 ? expression : []
    case "proc": return []
    case "for":
      if args.count == 1 { return ["in"] }
      if args.contains("..<") || args.contains("...") { return values + ["step"] }
      return expression
    case "import": return args.isEmpty ? modules().map { "\"" + $0 + "\"" } : []
    case "include": return args.isEmpty ? files("").map { "\"" + $0 } : []
    case "set": return setArguments(args)
    case "cpu": return args.count == 1 ? ["offline", "online"] : []
    case "on": return args.isEmpty ? ["cpu"] : []
    case "show":
      if args.isEmpty { return ["regs", "machine", "spaces", "cpus", "tlb"] }
      return args == ["tlb"] ? ["cpu"] : []
    case "tlb":
      if args.isEmpty { return ["show", "fill"] }
      if args == ["show"] { return ["cpu"] }
      if args == ["fill"] { return Self.regimes }
      return values
    case "space": return spaceArguments(args)
    case "map": return mapArguments(args)
    case "protect":
      if last == "sh" { return MMUSyntax.Shareability.allCases.map(\.rawValue) }
      if let i = args.firstIndex(of: "size"), args.count > i + 1 { return Self.attributes }
      return args.isEmpty ? snapshot.spaces + values : ["size"] + values
    case "unmap":
      if let i = args.firstIndex(of: "size") { return args.count > i + 1 ? ["free"] : values }
      return args.isEmpty ? snapshot.spaces + values : ["size"] + values
    case "switch":
      if args.isEmpty { return MMUSyntax.BaseRegister.allCases.map(\.rawValue) }
      if args.count == 1 { return snapshot.spaces }
      if last == "asid" || last == "vmid" { return values }
      return Self.unused(["asid", "vmid"], args)
    case "translate":
      if args.isEmpty { return snapshot.spaces }
      if args.count == 1 { return values }
      if last == "granule" { return Self.granules }
      if last == "va_bits" { return [] }
      return Self.unused(["granule", "va_bits"], args)
    case "mem": return memArguments(args)
    case "load":
      if args.isEmpty { return MMUSyntax.LoadKind.allCases.map(\.rawValue) }
      return args.count == 1 ? files("").map { "\"" + $0 } : []
    case "decode":
      if args.isEmpty { return values }
      if last == "regime" { return Regime.words }
      if last == "granule" { return Self.granules }
      if last == "level" { return [] }
      return Self.unused(["level", "regime", "granule"], args)
    case "walk":
      if args.isEmpty { return Self.regimes + Self.unused(["trace", "notlb"], args) + values }
      var options = Self.unused(["trace", "notlb"], args)
      if !args.contains(where: { Self.accesses.contains($0) }) { options += Self.accesses }
      return options + (args.count == 1 && Self.regimes.contains(args[0]) ? values : [])
    case "at": return args.isEmpty ? ATOperation.words : values
    case "explain":
      if last == "for" { return Self.regimes }
      return args.isEmpty ? values : ["for"]
    case "tlbi":
      if args.isEmpty { return TLBIOperation.words }
      if ["size", "asid", "level", "xt"].contains(last) { return values }
      let range = TLBIOperation(word: args[0])?.isRange == true
      return Self.unused(range ? ["size", "asid", "level", "xt"] : ["asid", "level", "xt"], args)
        + values
    case "dsb": return args.isEmpty ? BarrierDomain.words : []
    case "isb", "reset", "refresh", "attach": return []
    case "detach": return Self.unused(MMUSyntax.LiveCommand.detachOptions, args)
    case "assert": return assertArguments(args)
    case "expect": return args.isEmpty ? ["warning", "error"] : []
    case "dump":
      if last == "format" { return MMUSyntax.DumpFormat.allCases.map(\.rawValue) }
      if args.isEmpty { return snapshot.spaces + Self.regimes + values + ["format"] }
      return ["size", "format"] + values
    case "check":
      if args.isEmpty { return MMUSyntax.TableCheckKind.allCases.map(\.rawValue) }
      return args.count == 1 ? snapshot.spaces + Self.regimes : []
    case "find":
      if args.isEmpty { return ["pa"] }
      if args.count == 1 || last == "size" { return values }
      return Self.unused(["size"], args) + snapshot.spaces + Self.regimes
    case "diff":
      if args.isEmpty { return ["dump"] }
      if last == "format" { return MMUSyntax.DumpFormat.allCases.map(\.rawValue) }
      return args.count < 3
        ? snapshot.dumpSnapshots + snapshot.spaces + Self.regimes : ["format"]
    case "snapshot":
      if args.isEmpty { return ["dump"] }
      if last == "format" { return MMUSyntax.DumpFormat.allCases.map(\.rawValue) }
      if last == "as" { return [] }
      if args.contains("as") { return args.contains("format") ? [] : ["format"] }
      return args.count == 1 ? snapshot.spaces + Self.regimes + ["as"] : ["as"]
    case "marker": return args.isEmpty ? ["clear"] + values : []
    case "layout": return args.isEmpty ? Self.regimes : []
    case "graph":
      let files = self.files("").map { "\"" + $0 }
      if args.isEmpty { return snapshot.spaces + files }
      return args.count == 1 && snapshot.spaces.contains(args[0]) ? files : []
    case "cpus", "return", "print", "echo", "if": return expression
    default: return expression
    }
  }

  func setArguments(_ args: [String]) -> [String] {
    guard let setting = args.first else { return Self.settings + Self.registers }
    let rest = Array(args.dropFirst())
    let last = rest.last
    if last == "for" { return Self.regimes }
    switch setting {
    case "granule": return rest.isEmpty ? Self.granules : ["for"]
    case "va_bits": return rest.isEmpty ? [] : ["for"]
    case "lpa2": return rest.isEmpty ? ["on", "off"] : ["for"]
    case "el": return rest.isEmpty ? ["0", "1", "2"] : []
    case "ipa_bits":
      if last == "granule" { return Self.granules }
      return rest.count == 1 ? ["granule"] : []
    case "table_pool": return rest.count == 1 ? ["size"] : []
    case "feature":
      if rest.isEmpty { return FeatureSwitch.all.map(\.name) }
      return rest.count == 1 ? ["on", "off"] : []
    case let s where Self.switchSettings.contains(s): return rest.isEmpty ? ["on", "off"] : []
    default:
      let register = setting.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
      if SystemRegister(name: register) != nil { return rest.contains("=") ? expression : [] }
      return []
    }
  }

  func spaceArguments(_ args: [String]) -> [String] {
    guard args.count >= 1 else { return [] }  // a new name
    let last = args.last
    switch last {
    case "regime": return Regime.words
    case "via": return snapshot.spaces
    case "granule": return Self.granules
    case "va_bits", "ipa_bits", "at", "pool": return []
    default: break
    }
    if args.count >= 2, args[args.count - 2] == "pool" { return ["size"] }
    if last == "size" { return [] }
    var options = Self.unused(
      ["regime", "ttbr0", "ttbr1", "granule", "va_bits", "ipa_bits", "pool", "via", "at"], args)
    if args.contains("ttbr0") || args.contains("ttbr1") {
      options.removeAll { $0 == "ttbr0" || $0 == "ttbr1" }
    }
    if args.contains("va_bits") || args.contains("ipa_bits") {
      options.removeAll { $0 == "va_bits" || $0 == "ipa_bits" }
    }
    return options
  }

  func mapArguments(_ args: [String]) -> [String] {
    let last = args.last
    if last == "sh" { return MMUSyntax.Shareability.allCases.map(\.rawValue) }
    if last == "attr" || last == "level" { return [] }
    guard let arrow = args.firstIndex(of: "->") else {
      return args.isEmpty ? snapshot.spaces + values : values
    }
    let after = args[(arrow + 1)...]
    if args[..<arrow].contains("..<") {
      return after.isEmpty ? values : Self.attributes
    }
    if after.isEmpty { return values }
    guard let size = after.firstIndex(of: "size") else { return ["size"] }
    return size == after.index(before: after.endIndex) ? [] : Self.attributes
  }

  func memArguments(_ args: [String]) -> [String] {
    guard let operation = args.first else { return ["write", "read", "load", "save"] }
    let rest = Array(args.dropFirst())
    let quotedFiles = files("").map { "\"" + $0 }
    switch operation {
    case "read": return rest.count >= 1 && !rest.contains("count") ? ["count"] : []
    case "write":
      if let eq = rest.firstIndex(of: "="), rest.count > eq + 1, !rest.contains("size") {
        return ["size"]
      }
      return []
    case "load": return rest.count == 1 ? quotedFiles : []
    case "save":
      if rest.count == 1 { return ["size"] }
      return rest.count == 3 && rest[1] == "size" ? quotedFiles : []
    default: return []
    }
  }

  func assertArguments(_ args: [String]) -> [String] {
    guard let form = args.first else { return ["walk", "tlb"] + expression }
    let rest = Array(args.dropFirst())
    let last = rest.last
    switch form {
    case "walk":
      if rest.isEmpty { return Self.regimes + values }
      if last == "allows" || last == "denies" { return Self.accesses }
      if last == "level" || last == "stage" || last == "==" { return values }
      if rest.contains("faults") {
        let kinds =
          rest.contains(where: { MMUSyntax.FaultKind(rawValue: $0) != nil })
          ? [] : MMUSyntax.FaultKind.allCases.map(\.rawValue)
        return kinds + Self.unused(["level", "stage", "s1ptw"], rest)
      }
      if rest.contains("==") || rest.contains("allows") || rest.contains("denies") { return [] }
      var options = Self.unused(["notlb", "faults", "allows", "denies"], rest)
      if !rest.contains(where: { Self.accesses.contains($0) }) { options += Self.accesses }
      return options + (rest.count == 1 && Self.regimes.contains(rest[0]) ? values : [])
    case "tlb":
      if rest.isEmpty { return MMUSyntax.TLBState.allCases.map(\.rawValue) }
      return rest.count == 1 ? Self.regimes + values : []
    default: return expression
    }
  }

  // MARK: - The file system

  /// Lists a real folder with `opendir`; empty when it cannot be read.
  public static func listFileSystem(_ folder: String) -> [DirectoryEntry] {
    guard let dir = opendir(folder) else { return [] }
    defer { closedir(dir) }
    var entries: [DirectoryEntry] = []
    while let entry = readdir(dir), entries.count < 5000 {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if name == "." || name == ".." { continue }
      var isDirectory = entry.pointee.d_type == UInt8(DT_DIR)
      if entry.pointee.d_type == UInt8(DT_LNK) || entry.pointee.d_type == UInt8(DT_UNKNOWN) {
        var st = stat()
        let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
        isDirectory = stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
      }
      entries.append(DirectoryEntry(name, isDirectory: isDirectory))
    }
    return entries
  }
}

/// The statement being typed, read back from the text before the word: its words (as a
/// rough tokenizer sees them), and whether the word is in a string or a comment.
struct Scan {
  var words: [String] = []
  var inString = false
  var inComment = false

  init(_ text: String) {
    let chars = Array(text.unicodeScalars)
    var i = 0
    func isWordChar(_ c: Unicode.Scalar) -> Bool {
      c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == ":" || c == "."
    }
    while i < chars.count {
      let c = chars[i]
      switch c {
      case " ", "\t", "\r", "\n", "\\":
        i += 1
      case ";", "{", "}":
        words = []  // a new statement starts
        i += 1
      case "#":
        inComment = true
        return
      case "\"":
        var j = i + 1
        var closed = false
        while j < chars.count {
          if chars[j] == "\\" {
            j += 2
            continue
          }
          if chars[j] == "\"" {
            closed = true
            break
          }
          j += 1
        }
        if !closed {
          inString = true
          return
        }
        words.append(String(String.UnicodeScalarView(chars[i...j])))
        i = j + 1
      default:
        // Operators that matter to completion, longest first.
        let rest = String(String.UnicodeScalarView(chars[i..<min(i + 3, chars.count)]))
        if let op = ["..<", "...", "->", "=="].first(where: { rest.hasPrefix($0) }) {
          words.append(op)
          i += op.unicodeScalars.count
          continue
        }
        if isWordChar(c) {
          var j = i
          while j < chars.count, isWordChar(chars[j]) {
            // `0..<4`: a range operator ends the word.
            if chars[j] == ".", j + 1 < chars.count, chars[j + 1] == "." { break }
            j += 1
          }
          if j == i { j += 1 }
          words.append(String(String.UnicodeScalarView(chars[i..<j])))
          i = j
        } else {
          words.append(String(c))
          i += 1
        }
      }
    }
  }
}
