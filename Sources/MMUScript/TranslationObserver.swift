import MMU
import MMUSyntax

/// A translation a statement is about to make: what it asks, where it is, and the machine as
/// it stands before the walk (registers, exception level, memory). `mmush --qemu` puts each
/// of these to QEMU; the interpreter itself knows nothing of QEMU.
public struct ObservedTranslation {
  public enum Statement: Sendable, Equatable {
    /// `at OP VA`.
    case at(MMU.ATOperation)
    /// `walk [REGIME] VA [ACCESS]`.
    case walk
    /// `assert walk [REGIME] VA …`.
    case assertWalk
  }

  public var statement: Statement
  /// For `walk` and `assert walk`: the context the regime word selects, and the access.
  public var context: AccessContext
  /// `s1` under stage 2: stage 1 alone, its table walks through stage 2, the output an IPA
  /// (what AT S1E1* answers).
  public var stage1Only: Bool
  public var access: AccessType
  public var va: UInt64
  public var range: SourceRange
  /// The CPU's registers and exception level when the statement runs.
  public var registers: RegisterFile
  public var el: Int
  /// The machine's memory, not yet changed by this statement (hardware updates of AF or
  /// dirty state happen in the walk that follows).
  public unowned let memory: PhysicalMemory
}

/// Sees every `at`, `walk` and `assert walk` before it runs.
public protocol TranslationObserver: AnyObject {
  func willTranslate(_ t: ObservedTranslation)
}

extension Interpreter {
  /// Tells the observer, if there is one, about a statement's translation.
  @inline(__always)
  func observe(
    _ statement: ObservedTranslation.Statement, context: AccessContext,
    stage1Only: Bool = false, access: AccessType, va: UInt64, range: SourceRange
  ) {
    guard let o = translationObserver else { return }
    let c = machine.cpu
    o.willTranslate(
      ObservedTranslation(
        statement: statement, context: context, stage1Only: stage1Only, access: access, va: va,
        range: range,
        registers: c.registers, el: c.el, memory: machine.memory))
  }
}
