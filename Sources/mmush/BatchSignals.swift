import Synchronization

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP not yet acted on in a batch run.
private let pendingSignals = Atomic<Int>(0)

/// The handler: an atomic add (async-signal-safe). A second signal while the first is still
/// being handled ends the process at once.
private func handleSignal(_ signal: Int32) {
  if pendingSignals.add(1, ordering: .relaxed).newValue >= 2 { _exit(128 + signal) }
}

/// Signals in a batch run stop it cleanly instead of killing it: the statement in progress
/// (or the wait for a live stub's reply) ends with a diagnostic, and the run's end then puts
/// an attached QEMU back in virtual-address mode and lets its guest run, which a killed
/// process could not do.
enum BatchSignals {
  /// Installs the handler and unblocks the signals (a parent may have started us with them
  /// blocked, and then they would never arrive).
  static func install() {
    var set = sigset_t()
    sigemptyset(&set)
    for s in [SIGINT, SIGTERM, SIGHUP] {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = handleSignal
      sigemptyset(&action.sa_mask)
      action.sa_flags = 0
      sigaction(s, &action, nil)
      sigaddset(&set, s)
    }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
  }

  /// Whether a signal arrived.
  static let pending: @Sendable () -> Bool = { pendingSignals.load(ordering: .relaxed) != 0 }
}
