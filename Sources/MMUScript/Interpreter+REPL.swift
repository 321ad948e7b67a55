import MMUSyntax

/// What the REPL needs of the interpreter beyond running statements.
extension Interpreter {
  /// The built-in function names (for completion).
  public static var builtinFunctionNames: [String] { Builtins.names }

  /// Writes a file for a session command (`:save FILE`) under the policy of a script's
  /// `mem save` and `graph`: beneath the current directory or an `--allow-write` folder.
  /// Returns the path written; throws a diagnostic located at `range` when the path is
  /// refused or the write fails.
  @discardableResult
  public func writeSessionFile(_ path: String, _ bytes: [UInt8], range: SourceRange) throws
    -> String
  {
    let target = try PathPolicy(allowed: options.allowWrite).check(path, range: range)
    do {
      try FileIO.writeBytes(target, bytes)
    } catch let failure as FileIO.Failure {
      throw Diagnostic.error(failure.message, at: range)
    }
    return target
  }
}
