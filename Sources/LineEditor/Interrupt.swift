import Synchronization

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// Ctrl-Cs not yet taken: set by the SIGINT handler, read (and cleared) by whoever is waiting.
/// The line editor abandons the line being typed; a running statement stops at its next poll.
private let pendingInterrupts = Atomic<Int>(0)

/// The SIGINT handler: an atomic add, which is async-signal-safe. A third Ctrl-C that nobody
/// took (a statement that does not poll) ends the process, as a last resort.
private func handleInterrupt(_ signal: Int32) {
  let count = pendingInterrupts.add(1, ordering: .relaxed).newValue
  if count >= Interrupt.forceQuitCount { _exit(130) }
}

/// Ctrl-C for an interactive session: instead of killing the process, SIGINT sets a flag.
///
/// The handler is installed without `SA_RESTART`, so a blocking `poll` or `read` returns
/// `EINTR` and the line editor notices at once; a long-running statement notices when the
/// interpreter next polls `take()` (every 1024 steps).
public enum Interrupt {
  /// Installs the handler for SIGINT and unblocks the signal (a parent may have started us
  /// with it blocked, and then Ctrl-C would never arrive). Idempotent.
  public static func install() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = handleInterrupt
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, nil)
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
  }

  /// Restores the default action (Ctrl-C kills the process).
  public static func uninstall() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = SIG_DFL
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, nil)
    clear()
  }

  /// Ctrl-Cs in a row, none taken, that end the process (exit status 130).
  public static let forceQuitCount = 3

  /// Whether Ctrl-C was pressed since the last `take()` or `clear()`; clears the flag.
  public static func take() -> Bool {
    pendingInterrupts.exchange(0, ordering: .relaxed) > 0
  }

  /// Whether Ctrl-C was pressed, leaving the flag set.
  public static var isRequested: Bool { pendingInterrupts.load(ordering: .relaxed) > 0 }

  /// Forgets a pending Ctrl-C.
  public static func clear() { pendingInterrupts.store(0, ordering: .relaxed) }
}

/// Set by the SIGWINCH handler while the editor waits for a key.
private let windowResized = Atomic<Bool>(false)

private func handleWindowChange(_ signal: Int32) {
  windowResized.store(true, ordering: .relaxed)
}

/// Window-size changes, so that a line being edited is redrawn for the new width (readline
/// watches SIGWINCH only while it handles a key, not while the editor waits in `poll`).
enum WindowSize {
  static func watch() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = handleWindowChange
    sigemptyset(&action.sa_mask)
    // Restart other calls (output while a statement runs); poll is interrupted regardless.
    action.sa_flags = Int32(SA_RESTART)
    sigaction(SIGWINCH, &action, nil)
  }

  static func takeChange() -> Bool { windowResized.exchange(false, ordering: .relaxed) }
}
