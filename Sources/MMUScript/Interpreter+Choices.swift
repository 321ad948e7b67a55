import MMU
import MMUSyntax

extension Interpreter {
  /// The settings that pick between documented disagreements (ImplementationChoices): every
  /// CPU gets the choice, as it describes the implementation.
  static let choiceSettings: [(name: String, words: (String, String))] = [
    ("fault_level", ("zero", "start")),
    ("el2_va55", ("translation", "address_size")),
    ("s2_min_ia", ("pseudocode", "kvm")),
    ("fwb_device", ("combine", "stage2")),
  ]

  /// Handles `set fault_level zero|start`, `set el2_va55 translation|address_size`,
  /// `set s2_min_ia pseudocode|kvm`, `set fwb_device combine|stage2`; false for other names.
  func setImplementationChoice(_ name: Name, _ args: [SetArgument], range: SourceRange) throws
    -> Bool
  {
    guard let setting = Self.choiceSettings.first(where: { $0.name == name.text }) else {
      return false
    }
    let (off, on) = setting.words
    guard args.count == 1, case .word(let w) = args[0], w.text == off || w.text == on else {
      throw Diagnostic.error(
        "set \(name.text) takes \(off) or \(on)", at: args.first?.range ?? range)
    }
    let value = w.text == on
    for c in machine.cpus {
      switch name.text {
      case "fault_level": c.registers.implementation.setupFaultAtStartLevel = value
      case "el2_va55": c.registers.implementation.el2Bit55AddressSize = value
      case "s2_min_ia": c.registers.implementation.kvmStage2MinimumIA = value
      default: c.registers.implementation.fwbForcesStage2Device = value
      }
    }
    return true
  }
}
