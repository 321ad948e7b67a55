import MMU
import MMUScript

/// A sink whose diagnostics take the shell's words: the model warnings, view problems, core
/// marker warnings and view targets that the interpreter asks a sink to word (`EventSink`)
/// are worded once here, for the text and JSON renderers and any sink of the shell's alike.
public protocol ShellWordingSink: EventSink {}

extension ShellWordingSink {
  public func message(for warning: ModelWarning, formatter: ValueFormatter) -> String {
    WarningText(formatter: formatter).message(warning)
  }

  public func message(for problem: ViewProblem, formatter: ValueFormatter) -> String {
    ViewProblemText(formatter: formatter).message(problem)
  }

  public func message(for warning: CoreMarkerWarning) -> String {
    WarningText().message(warning)
  }

  public func words(for target: ViewTarget) -> String { ViewTargetText.text(target) }
}
