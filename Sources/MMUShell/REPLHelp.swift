import MMU
import MMUSyntax

/// One entry of the REPL's help: a statement, a REPL command, or a topic.
public struct HelpTopic: Sendable {
  /// What `help NAME` takes: a statement word (`map`), a REPL command (`:save`), a topic.
  public var name: String
  /// The line `help` lists.
  public var summary: String
  /// The forms, one per line, as reference.md writes them.
  public var syntax: [String]
  /// Options and notes, one per line.
  public var details: [String]
  /// Scripts that run on a fresh machine with no diagnostic (a test runs every one).
  public var examples: [String]
  /// REPL lines shown as usage (not scripts; REPL commands only).
  public var usage: [String]

  public init(
    _ name: String, _ summary: String, syntax: [String] = [], details: [String] = [],
    examples: [String] = [], usage: [String] = []
  ) {
    self.name = name
    self.summary = summary
    self.syntax = syntax
    self.details = details
    self.examples = examples
    self.usage = usage
  }

  /// Whether this is a REPL command (`:load`) rather than part of the language.
  public var isREPLCommand: Bool { name.hasPrefix(":") }
}

/// The help texts, in one table, and how `help` prints them.
public enum REPLHelp {
  /// The groups `help` lists, in order, each with the names of its topics.
  public static let groups: [(title: String, names: [String])] = [
    (
      "Language", ["let", "proc", "if", "for", "import", "include", "print", "echo", "expressions"]
    ),
    ("Machine", ["reset", "set", "cpus", "cpu", "on", "show"]),
    ("Spaces and mapping", ["space", "map", "unmap", "protect", "switch", "translate"]),
    ("Memory", ["mem", "decode", "load"]),
    ("Translating", ["walk", "at", "explain"]),
    ("TLB and barriers", ["tlbi", "dsb", "isb", "tlb"]),
    ("Checking", ["assert", "expect"]),
    ("Views", ["dump", "layout", "graph"]),
    ("Whole tables", MMUSyntax.TableStatementWord.allCases.map(\.rawValue)),
    ("Live machine", MMUSyntax.LiveCommand.allCases.map(\.rawValue)),
    ("Words", ["regimes", "attributes"]),
    ("REPL commands", [":help", ":load", ":reset", ":save", ":history", ":quit"]),
  ]

  /// Every topic, statements first.
  public static let topics: [HelpTopic] =
    language + machine + mapping + translating + checking
    + live + words + commands

  /// The topic `help NAME` means: an exact name, then the REPL command without its colon
  /// (`help save`), then a unique prefix (`help trans` is `translate`).
  public static func topic(named query: String) -> HelpTopic? {
    let name = query.lowercased()
    if let t = topics.first(where: { $0.name == name }) { return t }
    if let t = topics.first(where: { $0.name == ":" + name }) { return t }
    let prefixed = topics.filter { $0.name.hasPrefix(name) || $0.name.hasPrefix(":" + name) }
    return prefixed.count == 1 ? prefixed[0] : nil
  }

  /// `help` with no topic: every command with its one-line summary, by group.
  public static func overview() -> String {
    var lines = [
      "Statements are typed as in a script; a block or an open '(' continues on the next line.",
      "help TOPIC (or :help TOPIC) shows the syntax, options and an example.",
    ]
    let width = topics.map(\.name.count).max() ?? 10
    for group in groups {
      lines.append("")
      lines.append(group.title + ":")
      for name in group.names {
        guard let t = topics.first(where: { $0.name == name }) else { continue }
        lines.append("  " + pad(t.name, width) + "  " + t.summary)
      }
    }
    return lines.joined(separator: "\n")
  }

  /// `help NAME`: summary, syntax, options and examples.
  public static func text(for t: HelpTopic) -> String {
    var lines = ["\(t.name) — \(t.summary)"]
    if !t.syntax.isEmpty {
      lines.append("")
      lines.append("Syntax:")
      lines += t.syntax.map { "  " + $0 }
    }
    if !t.details.isEmpty {
      lines.append("")
      lines += t.details.map { "  " + $0 }
    }
    if !t.usage.isEmpty {
      lines.append("")
      lines.append("Usage:")
      lines += t.usage.map { "  " + $0 }
    }
    if !t.examples.isEmpty {
      lines.append("")
      lines.append(t.examples.count == 1 ? "Example:" : "Examples:")
      for (i, e) in t.examples.enumerated() {
        if i > 0 { lines.append("") }
        lines += e.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
      }
    }
    return lines.joined(separator: "\n")
  }

  /// What `help WORD` prints for a word that is no topic.
  public static func unknown(_ query: String) -> String {
    let hint = closestMatch(query, in: topics.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
    return "no help for '\(query)'\(hint); `help` lists the topics"
  }

  static func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
  }

  /// `words` after `label`, wrapped at 88 columns with continuation lines indented under the
  /// first word: the model's word tables as help lines.
  static func wrapped(_ label: String, _ words: [String]) -> [String] {
    var lines: [String] = []
    var line = label
    for w in words {
      if line.count + 1 + w.count > 88 && line.count > label.count {
        lines.append(line)
        line = String(repeating: " ", count: label.count)
      }
      line += " " + w
    }
    return lines + [line]
  }

  /// The TLBI operations without their shareability suffix, in the model's order.
  static var tlbiBases: [String] {
    TLBIOperation.vocabulary.filter { $0.domain == .local }.map(\.word)
  }

  // MARK: - The table

  static let language: [HelpTopic] = [
    HelpTopic(
      "let", "declare a variable (`x = EXPR` assigns an existing one)",
      syntax: ["let NAME = EXPR", "NAME = EXPR"],
      details: [
        "`let` makes a new variable in the current scope; a name that is already a space is an error.",
        "Assignment changes the nearest variable of that name; a proc may assign globals.",
      ],
      examples: ["let va = 0xffff_8000_0000_1000\nva = va + 4k\nprint va"]),
    HelpTopic(
      "proc", "define a procedure; `return EXPR` gives its value",
      syntax: ["proc NAME(A, B) { ... }", "NAME(ARGS)   # a call as a statement"],
      details: [
        "A procedure sees globals and its parameters; returning nothing is fine.",
        "`return` outside a procedure is an error.",
        "Call it with no space before '(': `f(1)`.",
      ],
      examples: [
        "proc pgd_index(va) { return bits(va, 47, 39) }\nprint pgd_index(0xffff_8000_0000_0000)"
      ]),
    HelpTopic(
      "if", "run a block when a condition holds",
      syntax: ["if EXPR { ... } else if EXPR { ... } else { ... }"],
      details: ["`else` may follow the `}` on the next line."],
      examples: ["let n = 3\nif n > 2 { echo \"big\" } else { echo \"small\" }"]),
    HelpTopic(
      "for", "loop over a range of integers",
      syntax: ["for NAME in A ..< B [step S] { ... }", "for NAME in A ... B [step S] { ... }"],
      details: [
        "`..<` excludes B, `...` includes it; the step must be positive. Ctrl-C stops a loop."
      ],
      examples: ["for level in 0 ..< 4 { print level }", "for va in 0 ... 8k step 4k { print va }"]),
    HelpTopic(
      "import", "run a stdlib module once per session",
      syntax: ["import \"DIR/NAME\""],
      details: [
        "Searched on the module path: the stdlib folder, then $MMUSH_PATH, then -I folders.",
        "Tab after `import \"` lists the modules.",
      ],
      examples: ["import \"util/fmt\""]),
    HelpTopic(
      "include", "run another script file, relative to the including file",
      syntax: ["include \"FILE.mmu\""],
      details: ["In the REPL the path is relative to the current directory; see also :load."]),
    HelpTopic(
      "print", "print values (a literal as written: 4096 in decimal, 0x1000 and 4k in hex)",
      syntax: ["print EXPR, ..."],
      details: [
        "Addresses and raw values print in hex, grouped by four with `_`;",
        "`set hex_grouping off` drops the underscores from every rendering.",
      ],
      examples: ["print 4k, bit(12), mask(47, 12)"]),
    HelpTopic(
      "echo", "print a string",
      syntax: ["echo \"TEXT\"", "echo EXPR"],
      examples: ["echo \"hello \" + hex(4096)"]),
    HelpTopic(
      "expressions", "operators, values and built-in functions",
      syntax: [
        "* / % + - << >> & ^ | < <= > >= == != && || ! ~   (unary, then as listed)",
        "4096 0x1000 0b1010 0o17 4k 2M 1G   \"text\"   true false",
      ],
      details: [
        "Bitwise operators bind tighter than comparisons: `va & mask == 0` is `(va & mask) == 0`.",
        "A register or field name reads the current CPU: `tcr_el1.t0sz`.",
        "bits: bit(n) mask(hi, lo) bits(x, hi, lo) align_up align_down is_aligned log2 min max",
        "      hex(x) dec(x)",
        "translation: walk(REGIME, VA [, \"read\"|\"write\"|\"exec\"]) pa(REGIME, VA)",
        "      desc(SPACE, VA, LEVEL) desc_addr(SPACE, VA, LEVEL)",
        "geometry: start_level(X) levels(X) concat_tables(X) index(X, VA, LEVEL) va_bits(X)",
      ],
      examples: ["print bits(0xffff_8000_0020_1000, 47, 39), align_up(0x1234, 4k)"]),
  ]

  static let machine: [HelpTopic] = [
    HelpTopic(
      "reset", "a fresh machine; variables and procedures are kept",
      syntax: ["reset"], examples: ["let keep = 1\nreset\nprint keep"]),
    HelpTopic(
      "set", "change registers, fields, features and settings",
      syntax: [
        "set granule 4k|16k|64k [for REGIME]", "set va_bits N [for REGIME]", "set pa_bits N",
        "set ipa_bits N [granule G]", "set el 0|1|2", "set lpa2 on|off [for REGIME]",
        "set vhe on|off", "set stage2 on|off", "set pan on|off", "set REG = EXPR",
        "set REG.FIELD = EXPR",
        "set table_pool PA size SIZE", "set feature NAME on|off|N",
        "set tlb_speculative on|off", "set strict_barriers on|off", "set bbm_check on|off",
      ],
      details: ["Tab after `set ` lists settings and registers; after `REG.` its fields."],
      examples: [
        "set granule 16k\nset va_bits 47\nprint tcr_el1.t0sz",
        "set tcr_el1.t0sz = 25\nset el 1\nprint tcr_el1.t0sz",
      ]),
    HelpTopic(
      "cpus", "add CPUs up to N, each in the default state",
      syntax: ["cpus N"], examples: ["cpus 2\nshow cpus"]),
    HelpTopic(
      "cpu", "make CPU N current, or take it offline or online",
      syntax: ["cpu N", "cpu N offline", "cpu N online"],
      examples: ["cpus 2\ncpu 1\ncpu 0"]),
    HelpTopic(
      "on", "run a block on another CPU, then come back",
      syntax: ["on cpu N { ... }"], examples: ["cpus 2\non cpu 1 { show tlb }"]),
    HelpTopic(
      "show", "show registers, the machine, spaces, CPUs or a TLB",
      syntax: ["show regs|machine|spaces|cpus", "show tlb [cpu N]"],
      examples: ["show spaces\nshow cpus"]),
  ]

  static let mapping: [HelpTopic] = [
    HelpTopic(
      "space", "create a named address space (a tree of real descriptors)",
      syntax: [
        "space NAME [regime \(Regime.words.joined(separator: "|"))] [ttbr0|ttbr1] [granule G] [va_bits N | ipa_bits N]",
        "           [pool PA size SIZE] [via S2SPACE] [at PA]",
      ],
      details: [
        "Unset options come from the current registers; a two-range space serves one half.",
        "`via S2SPACE` makes a guest stage-1 space whose tables live at IPAs.",
      ],
      examples: ["space k regime el1 ttbr1 granule 4k va_bits 48\nshow spaces"]),
    HelpTopic(
      "map", "map a range of VAs (or IPAs) to PAs",
      syntax: [
        "map [SPACE] VA -> PA size SIZE [ATTRS]", "map [SPACE] VA ..< END -> PA [ATTRS]",
      ],
      details: [
        "Picks the largest block alignment and size allow, unless told `pages` or `level N`.",
        "Default attributes are PAGE_KERNEL: RW at EL1, never executable, AF set, Normal WB.",
        "ATTRS: r ro rw x rx rwx user nx pxn uxn normal nc wt device ngnrne ngnre gre",
        "       attr N, sh none|inner|outer, ng noaf contig pages, level N, force",
        "Refuses to overwrite a valid mapping unless `force`; never invalidates a TLB.",
      ],
      examples: [
        "space k regime el1 ttbr1\nmap k 0xffff_8000_0000_0000 -> 0x4000_0000 size 2M\nmap k 0xffff_8000_0020_0000 -> 0x4020_0000 size 64k pages rx"
      ]),
    HelpTopic(
      "unmap", "remove mappings (no TLB invalidation)",
      syntax: ["unmap [SPACE] VA size SIZE [free]"],
      details: ["`free` also frees tables left empty."],
      examples: [
        "space k ttbr1\nmap k 0xffff_8000_0000_0000 -> 0x4000_0000 size 2M\nunmap k 0xffff_8000_0000_0000 size 2M free"
      ]),
    HelpTopic(
      "protect", "change the attributes it names of existing mappings",
      syntax: ["protect [SPACE] VA size SIZE ATTRS"],
      examples: [
        "space k ttbr1\nmap k 0xffff_8000_0000_0000 -> 0x4000_0000 size 4k\nprotect k 0xffff_8000_0000_0000 size 4k ro"
      ]),
    HelpTopic(
      "switch", "point a base register at a space (as the MSR would)",
      syntax: ["switch ttbr0_el1|ttbr1_el1|ttbr0_el2|ttbr1_el2|vttbr_el2 SPACE [asid N] [vmid N]"],
      examples: [
        "space u ttbr0\nmap u 0x40_0000 -> 0x8000_0000 size 4k user\nswitch ttbr0_el1 u asid 5"
      ]),
    HelpTopic(
      "translate", "walk one space in software: no registers, no TLB",
      syntax: ["translate SPACE VA [granule G] [va_bits N]"],
      examples: [
        "space k ttbr1\nmap k 0xffff_8000_0000_0000 -> 0x4000_0000 size 2M\ntranslate k 0xffff_8000_0000_1234"
      ]),
  ]

  static let translating: [HelpTopic] = [
    HelpTopic(
      "mem", "read and write simulated physical memory",
      syntax: [
        "mem write PA = VALUE [size 1|2|4|8]", "mem read PA [count N]", "mem load PA \"FILE\"",
        "mem save PA size SIZE \"FILE\"",
      ],
      examples: ["mem write 0x8000_0000 = 0x1122_3344 size 4\nmem read 0x8000_0000 count 2"]),
    HelpTopic(
      "load", "open a kernel core (registers too) or a symbol table",
      syntax: LoadKind.allCases.map { "load \($0.rawValue) \"FILE\"" },
      details: [
        "`load core`: an ELF core (QEMU dump-guest-memory, /proc/vmcore, kdump ELF). RAM is",
        "mapped from the file, not copied; TTBR1_EL1, TCR_EL1, MAIR_EL1 and SCTLR_EL1 come",
        "from its VMCOREINFO, so `walk el1` works at once. `vmcoreinfo(\"KEY\")` reads the note.",
        "`load symbols`: a System.map or kallsyms text; walk and dump name the nearest symbol.",
        "`mmush --core FILE` loads a core before anything else. See docs/cores.md.",
      ],
      examples: [
        "load core \"vmcore\"\nprint vmcoreinfo(\"OSRELEASE\")\nwalk el1 vmcoreinfo(\"_stext\")"
      ]),
    HelpTopic(
      "decode", "explain a descriptor value",
      syntax: [
        "decode VALUE [level N] [regime \(Regime.words.joined(separator: "|"))] [granule G]"
      ],
      examples: ["decode 0x0060_0000_4000_0701 level 2"]),
    HelpTopic(
      "walk", "translate a VA as an access: TLB first, then the tables",
      syntax: ["walk [REGIME] VA [read|write|exec] [trace] [notlb]"],
      details: [
        "REGIME: \(AccessRegime.words.joined(separator: " ")) (default: the current EL's).",
        "`trace` shows every level; `notlb` reads the tables alone and fills nothing.",
      ],
      examples: [
        "space k ttbr1\nmap k 0xffff_8000_0000_0000 -> 0x4000_0000 size 2M\nswitch ttbr1_el1 k\nwalk el1 0xffff_8000_0000_1234 read trace"
      ]),
    HelpTopic(
      "at", "an AT instruction: writes PAR_EL1 bit-exactly",
      syntax: ["at \(ATOperation.words.joined(separator: "|")) VA"],
      examples: ["at s1e1r 0x1000\nprint par_el1"]),
    HelpTopic(
      "explain", "the bit fields of a VA: TTBR select, index per level, offset",
      syntax: ["explain VA [for REGIME]"],
      examples: ["explain 0xffff_8000_0020_1234"]),
    HelpTopic(
      "tlbi", "a TLB invalidation, performed by a later DSB",
      syntax: [
        "tlbi OP [ADDR] [asid N] [level N] [xt EXPR]",
        "tlbi ROP ADDR size SIZE [asid N] [level N]   # or: tlbi ROP xt EXPR",
      ],
      details: wrapped("OP:", tlbiBases) + [
        "    each also with `is` (Inner Shareable: every CPU, completed by dsb ish, osh or sy)",
        "    and `os` (Outer Shareable: every CPU, completed only by dsb osh or sy).",
        "ROP: the range operations (r…): ADDR size SIZE, or xt with TG [47:46], SCALE",
        "    [45:44], NUM [43:39], TTL [38:37], BaseADDR [36:0] in granules.",
        "ADDR is the VA or IPA itself; `xt` gives the raw operand; `level` is the TTL hint.",
      ],
      examples: [
        "tlbi vae1is 0xffff_8000_0000_0000 asid 0\ndsb ish",
        "tlbi rvae1os 0x40_0000 size 64k asid 1 level 3\ndsb osh",
      ]),
    HelpTopic(
      "dsb", "a barrier: completes earlier TLBIs of sufficient scope",
      syntax: ["dsb [\(BarrierDomain.words.joined(separator: "|"))]"],
      details: [
        "A bare `dsb` is `dsb sy`. The st and ld forms wait only for stores or loads and",
        "complete no TLBI; nsh completes local ones, ish also `is` ones, osh and sy every one.",
      ],
      examples: ["tlbi vmalle1\ndsb nsh"]),
    HelpTopic("isb", "an instruction barrier", syntax: ["isb"], examples: ["isb"]),
    HelpTopic(
      "tlb", "show a TLB, or fill it from a walk",
      syntax: ["tlb show [cpu N]", "tlb fill REGIME VA"],
      examples: [
        "space k ttbr1\nmap k 0xffff_8000_0000_0000 -> 0x4000_0000 size 2M\nswitch ttbr1_el1 k\ntlb fill el1 0xffff_8000_0000_0000\ntlb show"
      ]),
  ]

  static let checking: [HelpTopic] = [
    HelpTopic(
      "assert", "check a walk, a TLB lookup or a condition",
      syntax: [
        "assert walk [REGIME] VA [read|write|exec] [notlb] == PA [, \"message\"]",
        "assert walk [REGIME] VA [read|write|exec] [notlb] faults [KIND] [level N] [stage N] [s1ptw]",
        "assert walk [REGIME] VA allows|denies read|write|exec",
        "assert tlb hit|miss|stale|conflict [REGIME] VA", "assert EXPR [, \"message\"]",
      ],
      details: ["KIND: translation address_size access_flag permission tlb_conflict"],
      examples: [
        "space k ttbr1\nmap k 0xffff_8000_0000_0000 -> 0x4000_0000 size 2M\nswitch ttbr1_el1 k\nassert walk el1 0xffff_8000_0000_1234 == 0x4000_1234\nassert walk el1 0xffff_8000_0040_0000 faults translation level 2\nassert 4k == 0x1000, \"sizes\""
      ]),
    HelpTopic(
      "expect", "pass when the block reports a warning or an error",
      syntax: ["expect warning|error [\"text\"] { ... }"],
      details: ["A warning is printed as it happens, then checked."],
      examples: ["expect error \"unknown register\" { set no_such_reg = 1 }"]),
    HelpTopic(
      "dump", "ptdump-style listing: coalesced ranges, level, attributes",
      syntax: ["dump [SPACE|REGIME] [VA size SIZE] [format linux|kvm]"],
      details: [
        "format linux: the kernel's kernel_page_tables text, byte for byte, cut at the markers.",
        "format kvm: KVM's stage-2 dump (levels by number, R W X AF BLK).",
      ],
      examples: [
        "space k ttbr1\nmap k 0xffff_8000_0000_0000 -> 0x4000_0000 size 4M\ndump k",
        "space k ttbr1\nmap k 0xffff_8000_0000_0000 -> 0x4000_0000 size 4M\ndump k format linux",
      ]),
    HelpTopic(
      "check", "whole-table checks: W+X kernel pages, memory-type aliases",
      syntax: ["check wx|aliases [REGIME|SPACE]", "assert check wx|aliases [REGIME|SPACE]"],
      details: [
        "wx counts as CONFIG_DEBUG_WX: pages writable with PXN clear, and pages without UXN.",
        "aliases: one physical range mapped with different MAIR memory types.",
      ],
      examples: [
        "space k ttbr1\nmap k 0xffff_8000_0000_0000 -> 0x4000_0000 size 2M\nswitch ttbr1_el1 k\ncheck wx el1\nassert check aliases el1"
      ]),
    HelpTopic(
      "find", "every VA that maps a physical range, with its rights (crash's ptov)",
      syntax: [
        "find pa PA [size SIZE] [REGIME|SPACE]", "assert find pa PA [size SIZE] [REGIME|SPACE]",
      ],
      examples: [
        "space k ttbr1\nmap k 0xffff_8000_0000_0000 -> 0x4000_0000 size 2M\nswitch ttbr1_el1 k\nfind pa 0x4000_1000 el1"
      ]),
    HelpTopic(
      "diff", "two dumps' rows (spaces, regimes, snapshots): - only the first, + only the second",
      syntax: ["diff dump A B [format linux|kvm]", "assert diff dump A B"],
      details: ["A or B may name a snapshot (`snapshot dump … as NAME`): the rows it kept."],
      examples: [
        "space a ttbr1\nmap a 0xffff_8000_0000_0000 -> 0x4000_0000 size 8k pages\nspace b ttbr1\nmap b 0xffff_8000_0000_0000 -> 0x4000_0000 size 4k pages\ndiff dump a b"
      ]),
    HelpTopic(
      "snapshot", "keep a dump's rows by name, to diff the tables before and after a change",
      syntax: ["snapshot dump [SPACE|REGIME] as NAME [format linux|kvm]"],
      details: [
        "The rows `dump … format` prints now (the markers in force cut them); `diff dump NAME SPACE|REGIME` compares.",
        "A snapshot is a value: `reset` keeps it; the same name again replaces it.",
      ],
      examples: [
        "space k ttbr1\nmap k 0xffff_8000_0000_0000 -> 0x4000_0000 size 8k pages\nswitch ttbr1_el1 k\nsnapshot dump el1 as before\nprotect k 0xffff_8000_0000_1000 size 4k ro\ndiff dump before el1"
      ]),
    HelpTopic(
      "marker", "name an address that `dump … format linux` cuts its rows at",
      syntax: ["marker VA \"NAME\"", "marker clear"],
      details: ["Markers go in address order, as the kernel's address_markers."],
      examples: [
        "marker 0xffff_0000_0000_0000 \"Linear Mapping start\"\nmarker 0xffff_8000_0000_0000 \"Linear Mapping end\""
      ]),
    HelpTopic(
      "layout", "the VA map of a regime: halves, ranges, sizes",
      syntax: ["layout [REGIME]"], examples: ["layout el1"]),
    HelpTopic(
      "graph", "write the table tree as Graphviz",
      syntax: ["graph [SPACE] \"FILE.dot\""],
      details: ["Writes only beneath the current directory unless --allow-write DIR."],
      examples: [
        "space k ttbr1\nmap k 0xffff_8000_0000_0000 -> 0x4000_0000 size 2M\ngraph k \"k.dot\""
      ]),
  ]

  static let words: [HelpTopic] = [
    HelpTopic(
      "regimes", "the words that name a translation regime",
      details: AccessRegime.vocabulary.map { pad($0.word, 4) + " " + meaning($0) } + [
        "A space's table format: regime \(Regime.words.joined(separator: ", ")) (el1 by default)."
      ],
      examples: ["print start_level(el1), levels(el1), va_bits(el1)"]),
    HelpTopic(
      "attributes", "the ATTRS of map and protect",
      details: [
        "permissions  r ro rw x rx rwx user nx pxn uxn",
        "             (`user x`: Linux user text, read-only, EL0-executable, PXN set)",
        "memory       normal nc wt device [ngnrne|ngnre|gre] attr N",
        "shareability sh none|inner|outer",
        "other        ng noaf contig pages level N force",
        "Contradictory words (x nx, rw ro, device normal, …) are an error naming both.",
      ],
      examples: [
        "space u ttbr0\nmap u 0x40_0000 -> 0x8000_0000 size 8k user rw ng\nmap u 0x60_0000 -> 0x9000_0000 size 4k device"
      ]),
  ]

  static let live: [HelpTopic] = [
    HelpTopic(
      "attach", "read a running QEMU guest through its gdbstub (-gdb tcp:HOST:PORT)",
      syntax: ["attach \"HOST:PORT\""],
      details: [
        "A fresh machine: one CPU per vCPU, each with the system registers and EL the stub",
        "reports. Memory is read from the guest (physical addresses) the first time a walk,",
        "dump or mem read needs it. map and mem write change mmush's copy, never the guest.",
        "Also `mmush --attach HOST:PORT [SCRIPT...]`; --live-timeout SECONDS (default 10).",
        "docs/live.md has the QEMU command lines.",
      ]),
    HelpTopic(
      "refresh", "read the live guest's registers again and forget the memory read so far",
      syntax: ["refresh"],
      details: ["After the guest ran. Pages mmush wrote stay as mmush's copies."]),
    HelpTopic(
      "detach", "let the live guest go: running, or left halted with `halt`",
      syntax: ["detach [halt]"],
      details: [
        "QEMU's physical-address mode is put back first; the machine is reset.",
        "A run that ends attached detaches the guest, running.",
      ]),
  ]

  static let commands: [HelpTopic] = [
    HelpTopic(
      ":help", "list the commands, or show one (also `help` and `help TOPIC`)",
      syntax: [":help [TOPIC]", "help [TOPIC]"], usage: [":help map", "help :save"]),
    HelpTopic(
      ":load", "run a script file in the live session",
      syntax: [":load FILE"],
      details: ["Variables, procedures and spaces it defines stay for the session."],
      usage: [":load scripts/tour/smoke-el1-4k-48.mmu"]),
    HelpTopic(
      ":reset", "a fresh machine, like `reset`; variables and procedures are kept",
      syntax: [":reset"]),
    HelpTopic(
      ":save", "write the statements run so far as a script, for a bug report",
      syntax: [":save FILE"],
      details: [
        "Keeps every statement that completed (a failed assert counts); drops ones that",
        "stopped with an error. `mmush FILE` then replays the session.",
        "Writes only beneath the current directory unless --allow-write DIR.",
      ],
      usage: [":save bug.mmu"]),
    HelpTopic(
      ":history", "list the lines typed so far (also in the history file)", syntax: [":history [N]"]
    ),
    HelpTopic(":quit", "leave the REPL (Ctrl-D does too)", syntax: [":quit"]),
  ]

  /// What each regime word means, for `help regimes`.
  static func meaning(_ r: AccessRegime) -> String {
    switch r {
    case .el0: "what an access from EL0 gets: EL1&0 with EL0 permissions (EL2&0 under TGE)"
    case .el1: "what an access from EL1 gets: EL1&0 stage 1, then stage 2 when HCR_EL2.VM=1"
    case .el2: "EL2, or EL2&0 with VHE"
    case .s1: "EL1&0 stage 1 alone: VA to IPA under stage 2 (tables still read through it)"
    case .s2: "stage 2 alone, IPA to PA"
    }
  }
}
