import Foundation
import MMUTestSupport
import Testing

/// A terminal for the real binary: a tmux server on its own socket, one window, read back
/// with `capture-pane`. Waits poll the screen (up to `timeout`) instead of sleeping, so the
/// tests hold on a loaded two-core machine.
final class TmuxTerminal {
  let socket: String
  let session = "mmush"
  let timeout: TimeInterval

  /// tmux answers `-V`: the only reason to skip the terminal tests.
  static let isAvailable: Bool = {
    (try? TmuxTerminal.tmux(["-V"]).status) == 0
  }()

  struct Output {
    var status: Int32
    var text: String
  }

  /// Runs tmux and waits for it. Spawned with an empty signal mask and default signal
  /// actions: a test runner's threads may block signals, and the tmux server and the REPL
  /// under it would inherit that (Ctrl-C would never arrive). Output goes through a file, not
  /// a pipe, which the daemonised server would hold open.
  @discardableResult
  static func tmux(_ arguments: [String]) throws -> Output {
    let outputPath = FileManager.default.temporaryDirectory
      .appendingPathComponent("mmush-tmux-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).out")
      .path
    defer { unlink(outputPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv = (["tmux"] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, "tmux", &actions, &attributes, argv, environ)
    guard spawned == 0 else {
      throw TerminalError(message: "cannot run tmux: \(String(cString: strerror(spawned)))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    let exited = (status & 0x7f) == 0
    return Output(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), text: text)
  }

  /// Starts `command` (argv) in `directory` with `environment` added, in a 160×50 window.
  /// When the command ends the window shows `[exit N]` and stays.
  init(
    _ command: [String], directory: String, environment: [String: String],
    timeout: TimeInterval = 10
  ) throws {
    socket = directory + "/tmux-\(UInt32.random(in: 0...UInt32.max)).sock"
    self.timeout = timeout
    let env = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }
    let shell =
      "env " + env.joined(separator: " ") + " " + command.map(Self.quote).joined(separator: " ")
      + "; echo \"[exit $?]\"; sleep 600"
    let r = try Self.tmux([
      "-S", socket, "-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "160", "-y",
      "50", "-c", directory, shell,
    ])
    guard r.status == 0 else {
      throw TerminalError(message: "tmux new-session failed: \(r.text)")
    }
  }

  deinit { close() }

  /// Ends the server and everything in it.
  func close() {
    _ = try? Self.tmux(["-S", socket, "kill-server"])
  }

  static func quote(_ s: String) -> String {
    "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// Types text literally.
  func type(_ text: String) throws {
    try Self.tmux(["-S", socket, "send-keys", "-t", session, "-l", text])
  }

  /// Presses keys by tmux name: `Enter`, `Tab`, `C-c`, `C-d`, `Up`.
  func press(_ keys: String...) throws {
    try Self.tmux(["-S", socket, "send-keys", "-t", session] + keys)
  }

  /// The whole pane, scrollback included, wrapped lines joined.
  func screen() throws -> String {
    try Self.tmux(["-S", socket, "capture-pane", "-p", "-J", "-S", "-", "-t", session]).text
  }

  /// Waits until the screen satisfies `condition`; fails the test with the screen otherwise.
  @discardableResult
  func waitFor(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: (String) -> Bool
  ) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var text = ""
    while true {
      text = try screen()
      if condition(text) { return text }
      if Date() > deadline { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    Issue.record(
      "timed out waiting for \(what); the screen:\n\(text)", sourceLocation: sourceLocation)
    throw TerminalError(message: "timed out waiting for \(what)")
  }

  /// Waits until `text` appears `count` times.
  @discardableResult
  func waitFor(
    _ text: String, count: Int = 1, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> String {
    try waitFor("\(count)× \"\(text)\"", sourceLocation: sourceLocation) {
      $0.components(separatedBy: text).count - 1 >= count
    }
  }

  /// How many times `text` is on the screen now.
  func count(_ text: String) throws -> Int {
    try screen().components(separatedBy: text).count - 1
  }
}

struct TerminalError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}

/// The REPL driven through a real pseudo-terminal: readline editing and completion,
/// multi-line input, errors with carets, Ctrl-C, Ctrl-D, history across runs, `:save`.
@Suite("REPL in a terminal", .serialized, .enabled(if: TmuxTerminal.isAvailable, "tmux cannot run"))
struct REPLTerminalTests {
  static let prompt = "mmush(cpu0 el1)> "

  func makeFolder(_ name: String) throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("mmush-repl-\(name)-\(getpid())").path
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  func start(in folder: String, _ extra: [String: String] = [:]) throws -> TmuxTerminal {
    var env = ["XDG_STATE_HOME": folder + "/state", "HOME": folder, "TERM": "xterm"]
    for (k, v) in extra { env[k] = v }
    return try TmuxTerminal([MMUSH.binary], directory: folder, environment: env)
  }

  @Test func session() throws {
    let folder = try makeFolder("session")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let term = try start(in: folder)
    try term.waitFor(Self.prompt)

    // Completion: a command word, a space's option, an attribute, a register field.
    try term.type("spa")
    try term.press("Tab")
    try term.waitFor(Self.prompt + "space ")
    try term.type("k tt")
    try term.press("Tab")
    try term.waitFor(Self.prompt + "space k ttbr")  // ttbr0 / ttbr1: common prefix
    try term.type("1")
    try term.press("Enter")
    try term.waitFor(Self.prompt, count: 2)
    try term.type("map")
    try term.press("Tab")
    try term.type("k 0xffff_8000_0000_0000 -> 0x4000_0000 size 2M pag")
    try term.press("Tab")
    try term.waitFor("map k 0xffff_8000_0000_0000 -> 0x4000_0000 size 2M pages ")
    try term.press("Enter")
    try term.type("switch ttbr1_el1 k")
    try term.press("Enter")
    try term.type("print tcr_el1.t0")
    try term.press("Tab")
    try term.waitFor("print tcr_el1.t0sz ")
    try term.press("Enter")
    try term.waitFor("\n0x10\n")

    // A block over three lines: continuation prompts, then one run.
    try term.type("for i in 0 ..< 3 {")
    try term.press("Enter")
    try term.waitFor("\n...> ")
    try term.type("print 0x100 + i")
    try term.press("Enter")
    try term.waitFor("\n...> ", count: 2)
    try term.type("}")
    try term.press("Enter")
    try term.waitFor("0x100\n0x101\n0x102\n")

    // An error shows its line and a caret, and the session goes on.
    try term.type("walk el1 nosuch_va")
    try term.press("Enter")
    let afterError = try term.waitFor("error: unknown name 'nosuch_va'")
    #expect(afterError.contains("    walk el1 nosuch_va\n             ^~~~~~~~~"))
    try term.type("assert walk el1 0xffff_8000_0000_1234 == 0x4000_1234")
    try term.press("Enter")
    try term.type("print 0x77")
    try term.press("Enter")
    try term.waitFor("\n0x77\n")

    // Ctrl-C abandons the line being typed...
    try term.type("print 0x999")
    try term.press("C-c")
    try term.waitFor("print 0x999^C\n" + Self.prompt)
    // ...and stops a long loop, back to the prompt.
    try term.type("for i in 0 ..< 100000000 { let x = i }")
    try term.press("Enter")
    Thread.sleep(forTimeInterval: 0.3)
    try term.press("C-c")
    try term.waitFor("error: interrupted")
    try term.type("print 0x4242")
    try term.press("Enter")
    let screen = try term.waitFor("\n0x4242\n")
    #expect(!screen.contains("0x999\n"))
    #expect(!screen.contains("step limit"))

    // help, and the refusal to write outside the current directory.
    try term.type("help map")
    try term.press("Enter")
    try term.waitFor("map [SPACE] VA -> PA size SIZE [ATTRS]")
    try term.type(":save /tmp/mmush-outside.mmu")
    try term.press("Enter")
    try term.waitFor("refusing to write")
    try term.type(":save saved.mmu")
    try term.press("Enter")
    try term.waitFor("saved ")
    try term.press("C-d")
    let final = try term.waitFor("[exit 0]")
    term.close()

    // The history file exists, is private, and holds what was typed.
    let history = folder + "/state/mmush/history"
    let attributes = try FileManager.default.attributesOfItem(atPath: history)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    let lines = try String(contentsOfFile: history, encoding: .utf8)
    #expect(lines.contains("switch ttbr1_el1 k\n"))

    // `:save` replays: the batch run prints what the session printed, and passes.
    let saved = try String(contentsOfFile: folder + "/saved.mmu", encoding: .utf8)
    #expect(!saved.contains("nosuch_va"))
    #expect(!saved.contains("100000000"))
    let replay = try MMUSH.run(["saved.mmu"], directory: folder)
    #expect(replay.status == 0, "\(replay.stderr)")
    for line in replay.stdout.split(separator: "\n") where !line.contains("passed,") {
      #expect(final.contains(line), "replayed line not in the session: \(line)")
    }
    #expect(replay.stdout.contains("0x102"))
    #expect(replay.stdout.contains("1 passed, 0 failed"))

    // History survives a restart: Up recalls the last line, :history lists the first.
    let again = try start(in: folder)
    try again.waitFor(Self.prompt)
    try again.press("Up")
    try again.waitFor(Self.prompt + ":save saved.mmu")
    try again.press("C-u")
    try again.type(":history")
    try again.press("Enter")
    try again.waitFor("  switch ttbr1_el1 k\n")
    try again.type(":quit")
    try again.press("Enter")
    try again.waitFor("[exit 0]")
  }

  /// A block typed over several lines is one history entry: Up recalls all of it, Enter runs
  /// it again, `:history` lists it once, and it is one entry after a restart too.
  @Test func blockIsOneHistoryEntry() throws {
    let folder = try makeFolder("block-history")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let term = try start(in: folder)
    try term.waitFor(Self.prompt)
    for line in ["for i in 0x40 ..< 0x42 {", "print i + 0x1000", "}"] {
      try term.type(line)
      try term.press("Enter")
    }
    try term.waitFor("0x1041")
    try term.press("Up")
    try term.press("Enter")
    try term.waitFor("0x1041", count: 2)
    try term.type(":history")
    try term.press("Enter")
    try term.waitFor("    1  for i in 0x40 ..< 0x42 {\n       print i + 0x1000\n       }\n")
    #expect(try term.count("    2  ") == 1 && term.count("    3  ") == 0)
    try term.type(":quit")
    try term.press("Enter")
    try term.waitFor("[exit 0]")
    term.close()

    let again = try start(in: folder)
    try again.waitFor(Self.prompt)
    try again.type(":history")
    try again.press("Enter")
    try again.waitFor("    1  for i in 0x40 ..< 0x42 {\n       print i + 0x1000\n       }\n")
    try again.type(":quit")
    try again.press("Enter")
    try again.waitFor("[exit 0]")
    again.close()
  }

  /// Colour only on a terminal without NO_COLOR; the prompt follows `cpu` and `set el`.
  @Test func colourAndPrompt() throws {
    let folder = try makeFolder("colour")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let term = try start(in: folder, ["NO_COLOR": "1"])
    try term.waitFor(Self.prompt)
    try term.type("cpus 2; cpu 1; set el 2")
    try term.press("Enter")
    try term.waitFor("mmush(cpu1 el2)> ")
    try term.type("print nope")
    try term.press("Enter")
    try term.waitFor("error: unknown name")
    let raw = try TmuxTerminal.tmux([
      "-S", term.socket, "capture-pane", "-e", "-p", "-t", term.session,
    ])
    #expect(!raw.text.contains("\u{1b}[1;31m"))
    try term.press("C-d")
    try term.waitFor("[exit 0]")
  }
}
