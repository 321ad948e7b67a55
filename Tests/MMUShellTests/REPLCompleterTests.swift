import MMU
import MMUScript
import MMUShell
import MMUSyntax
import MMUTestSupport
import Testing

/// Tab completion, rule by rule, on a fixed session and a fake file system.
@Suite("REPL completion")
struct REPLCompleterTests {
  static let files: [String: [DirectoryEntry]] = [
    ".": [
      DirectoryEntry("scripts", isDirectory: true), DirectoryEntry("saved.mmu"),
      DirectoryEntry(".hidden"), DirectoryEntry("notes.txt"),
    ],
    "scripts/": [
      DirectoryEntry("tour", isDirectory: true), DirectoryEntry("kvm", isDirectory: true),
    ],
    "scripts/tour/": [DirectoryEntry("smoke-el1-4k-48.mmu")],
    "/lib": [
      DirectoryEntry("linux", isDirectory: true), DirectoryEntry("kvm", isDirectory: true),
      DirectoryEntry("README"),
    ],
    "/lib/linux": [DirectoryEntry("arm64.mmu")],
    "/lib/kvm": [DirectoryEntry("hyp.mmu"), DirectoryEntry("stage2.mmu")],
  ]

  static let completer = REPLCompleter(
    snapshot: CompletionSnapshot(
      variables: ["va", "vb", "kernel_base"], procedures: ["pgd_index"], spaces: ["k", "guest"],
      modulePaths: ["/lib"]),
    listDirectory: { files[$0] ?? [] })

  /// Completes at the end of `line`.
  func complete(_ line: String) -> [String] {
    Self.completer.complete(line: line, cursor: line.utf8.count)
  }

  @Test func commandWords() {
    #expect(complete("ma") == ["map", "marker"])
    #expect(complete("tl") == ["tlb", "tlbi"])
    let all = complete("")
    for word in ["let", "walk", "tlbi", "assert", "help", "pgd_index", "va"] {
      #expect(all.contains(word), "\(word)")
    }
    #expect(complete("pgd") == ["pgd_index"])
  }

  @Test func replCommands() {
    #expect(complete(":") == REPLCompleter.replCommands.sorted())
    #expect(complete(":sa") == [":save"])
    #expect(complete(":help ma") == ["map", "marker"])
    #expect(complete("help wa") == ["walk"])
    #expect(complete(":help :s") == [":save"])
    #expect(complete(":load scr") == ["scripts/"])
    #expect(complete(":load scripts/tour/sm") == ["scripts/tour/smoke-el1-4k-48.mmu"])
    #expect(complete(":save sa") == ["saved.mmu"])
  }

  @Test func walkOptionsAndRegimes() {
    let first = complete("walk ")
    for word in ["el0", "el1", "el2", "s1", "s2", "trace", "notlb", "va"] {
      #expect(first.contains(word), "\(word)")
    }
    let later = complete("walk el1 0x1000 ")
    #expect(Set(["read", "write", "exec", "trace", "notlb"]).isSubset(of: later))
    #expect(!complete("walk 0x1000 trace ").contains("trace"))
    #expect(!complete("walk 0x1000 write ").contains("read"))
    #expect(complete("walk 0x1000 t") == ["trace"])
  }

  @Test func mapAttributes() {
    #expect(complete("map ") == ["guest", "k", "kernel_base", "va", "vb"])
    #expect(complete("map k 0x1000 -> 0x2000 ") == ["size"])
    let attributes = complete("map k 0x1000 -> 0x2000 size 4k ")
    for word in ["rw", "rx", "user", "device", "pages", "contig", "sh", "level", "attr", "force"] {
      #expect(attributes.contains(word), "\(word)")
    }
    #expect(complete("map k 0x1000 -> 0x2000 size 4k pa") == ["pages"])
    #expect(complete("map 0x1000 ..< 0x3000 -> 0x2000 dev") == ["device"])
    #expect(complete("map k 0x1000 -> 0x2000 size 4k sh ") == ["inner", "none", "outer"])
    #expect(complete("protect k 0x1000 size 4k r") == ["r", "ro", "rw", "rwx", "rx"])
    #expect(complete("unmap k 0x1000 size 4k ") == ["free"])
  }

  @Test func registersAndFields() {
    #expect(complete("print tcr_el1.t0") == ["tcr_el1.t0sz"])
    let fields = complete("set vtcr_el2.")
    #expect(fields.contains("vtcr_el2.sl0") && fields.contains("vtcr_el2.t0sz"))
    #expect(complete("print ttbr") == ["ttbr0_el1", "ttbr0_el2", "ttbr1_el1", "ttbr1_el2"])
    #expect(complete("print nosuch.f") == [])
    let set = complete("set ")
    for word in ["granule", "va_bits", "feature", "tcr_el1", "hcr_el2"] {
      #expect(set.contains(word), "\(word)")
    }
    #expect(complete("set granule ") == ["16k", "4k", "64k"])
    #expect(complete("set granule 4k ") == ["for"])
    #expect(complete("set va_bits 39 for e") == ["el0", "el1", "el2"])
    #expect(complete("set feature lp") == ["lpa", "lpa2"])
    #expect(complete("set stage2 ") == ["off", "on"])
    #expect(complete("set tcr_el1.t0sz = kern") == ["kernel_base"])
  }

  @Test func operationsAndVocabulary() {
    #expect(complete("tlbi vae") == ["vae1", "vae1is", "vae1os", "vae2", "vae2is", "vae2os"])
    #expect(
      complete("tlbi rvaa") == [
        "rvaae1", "rvaae1is", "rvaae1os", "rvaale1", "rvaale1is", "rvaale1os",
      ])
    #expect(complete("tlbi vae1 va ").contains("asid"))
    #expect(!complete("tlbi vae1 va ").contains("size"))
    #expect(complete("tlbi rvae1os va ").contains("size"))
    #expect(complete("dsb os") == ["osh", "oshld", "oshst"])
    #expect(!complete("tlbi vae1 va asid 1 ").contains("asid"))
    #expect(complete("at s12e1") == ["s12e1r", "s12e1w"])
    #expect(complete("dsb is") == ["ish", "ishld", "ishst"])
    #expect(complete("show ") == ["cpus", "machine", "regs", "spaces", "tlb"])
    #expect(complete("switch ttbr1") == ["ttbr1_el1", "ttbr1_el2"])
    #expect(complete("switch ttbr1_el1 ") == ["guest", "k"])
    #expect(complete("space g regime ") == ["el1", "el2", "s2", "vhe"])
    #expect(complete("space g via ") == ["guest", "k"])
    #expect(!complete("space g ttbr1 ").contains("ttbr0"))
    #expect(complete("assert walk el1 0x1000 faults tr") == ["translation"])
    #expect(complete("assert walk el1 0x1000 allows ") == ["exec", "read", "write"])
    #expect(complete("assert tlb ") == ["conflict", "hit", "miss", "stale"])
    #expect(complete("expect ") == ["error", "warning"])
    #expect(complete("cpu 1 o") == ["offline", "online"])
    #expect(complete("for i ") == ["in"])
    #expect(complete("mem ") == ["load", "read", "save", "write"])
    #expect(complete("mem read 0x1000 ") == ["count"])
  }

  /// The completer offers exactly the model's tables: every TLBI, barrier option, AT
  /// operation and regime word, and nothing else.
  @Test func wordsAreTheModelsTables() {
    #expect(complete("tlbi ") == TLBIOperation.words.sorted())
    #expect(complete("dsb ") == BarrierDomain.words.sorted())
    #expect(complete("at ") == ATOperation.words.sorted())
    #expect(complete("space g regime ") == Regime.words.sorted())
    #expect(complete("layout ") == AccessRegime.words.sorted())
  }

  @Test func sessionNames() {
    #expect(complete("print v").contains("va"))
    #expect(complete("print v").contains("vb"))
    #expect(complete("print pgd") == ["pgd_index"])
    #expect(complete("dump g") == ["guest"])
    #expect(complete("let x = kern") == ["kernel_base"])
    #expect(complete("if va > 1 { print kern") == ["kernel_base"])
    #expect(complete("print 1; wa") == ["walk"])
    #expect(complete("print bi").contains("bit"))
  }

  @Test func modulesAndFiles() {
    #expect(complete("import \"") == ["kvm/hyp", "kvm/stage2", "linux/arm64"])
    #expect(complete("import \"li") == ["linux/arm64"])
    #expect(complete("import ") == ["\"kvm/hyp\"", "\"kvm/stage2\"", "\"linux/arm64\""])
    #expect(complete("include \"s") == ["saved.mmu", "scripts/"])
    #expect(complete("include \"scripts/") == ["scripts/kvm/", "scripts/tour/"])
    #expect(complete("include \".h") == [".hidden"])
    #expect(!complete("include \"").contains(".hidden"))
    #expect(complete("graph k \"n") == ["notes.txt"])
    #expect(complete("echo \"abc\"; include \"sa") == ["saved.mmu"])
  }

  @Test func nothingInCommentsOrNumbers() {
    #expect(complete("# wa") == [])
    #expect(complete("walk 0x10 # tr") == [])
    #expect(complete("print 0x1") == [])
  }

  @Test func wordStartFollowsReadline() {
    func start(_ line: String) -> Int {
      REPLCompleter.wordStart(line: line, cursor: line.utf8.count)
    }
    #expect(start("print tcr_el1.t0") == 6)
    #expect(start("import \"linux/ar") == 8)
    #expect(start("x=va") == 2)
    #expect(start(":load scripts/tour/a-b") == 6)
    #expect(start("print (va") == 7)
    #expect(start("echo \"a\" + \"b") == 12)
    // The middle of a line: only what is before the cursor counts.
    let line = "walk el1 0x1000"
    #expect(Self.completer.complete(line: line, cursor: 3) == ["walk"])
  }

  /// The completer's statement words are the parser's: each one is a command, not an unknown
  /// word (the parser's list is internal to MMUSyntax, so this keeps the copy honest).
  @Test(arguments: REPLCompleter.statementWords)
  func statementWordIsACommand(_ word: String) {
    do {
      _ = try parse(SourceFile(name: "t", text: word + " "))
    } catch {
      #expect(!error.message.contains("unknown command"), "\(word): \(error.message)")
    }
  }

  /// Names from a live interpreter, and module names from the real stdlib folder.
  @Test func liveSession() throws {
    var options = RunOptions()
    options.interpreter.modulePaths = [MMUSH.root + "/stdlib"]
    let runner = Runner(options: options, output: StringOutput(), errors: StringOutput())
    #expect(
      runner.run(
        SourceFile(name: "t", text: "let my_var = 1\nproc my_proc() { return 1 }\nspace my_space\n")
      ))
    let completer = REPLCompleter(snapshot: CompletionSnapshot(runner.interpreter))
    #expect(completer.complete(line: "print my_", cursor: 9) == ["my_proc", "my_space", "my_var"])
    #expect(completer.complete(line: "import \"linux/", cursor: 14).contains("linux/arm64"))
    #expect(completer.complete(line: "switch ttbr0_el1 my", cursor: 19) == ["my_space"])
  }
}
