import MMU

/// `--layout`: the sizes of the values a hot path builds and copies, in bytes (stride). A
/// result type that grows past a few cache lines shows up here before it shows up as time.
func printLayout() {
  func row<T>(_ name: String, _ type: T.Type) {
    print(pad(name, 18) + "\(MemoryLayout<T>.size) bytes, stride \(MemoryLayout<T>.stride)")
  }
  row("AccessResult", AccessResult.self)
  row("WalkResult", WalkResult.self)
  row("WalkOutcome", WalkOutcome.self)
  row("Translation", Translation.self)
  row("Fault", Fault.self)
  row("MemoryAttributes", MemoryAttributes.self)
  row("Permissions", Permissions.self)
  row("TLBEntry", TLBEntry.self)
  row("TLBStatus", TLBStatus.self)
  row("WalkStep", WalkStep.self)
  row("StageSetup", StageSetup.self)
  row("Geometry", Geometry.self)
}
