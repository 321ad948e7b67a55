import MMUScript
import MMUShell
import Testing

/// What a core cannot tell about its kernel's markers is data (CoreMarkerWarning); the shell
/// words it (WarningText). The words are written out here, so a change of wording fails.
@Suite("Core marker warnings: typed, worded by the shell")
struct CoreMarkerWarningTextTests {
  @Test("each case has its words", arguments: CoreMarkerWarning.allCases)
  func words(_ w: CoreMarkerWarning) {
    let expected: String
    switch w {
    case .fixmapAssumed:
      expected =
        "the core does not record the fixmap's size: 'Fixmap start' assumes a distribution's configuration (ACPI_APEI_GHES, ARM_SDE_INTERFACE, UNMAP_KERNEL_AT_EL0, RELOCATABLE); `load symbols` of this kernel decides it"
    case .fixmapLeftOut:
      expected =
        "Linux before 6.9: the fixmap's start is not in the core; the Fixmap markers are left out (`import \"linux/ptdump\"` and `lx_markers_v6_1(…)` declare them)"
    case .kasanLeftOut:
      expected =
        "the kernel has KASAN, whose shadow bounds no core records: 'Linear Mapping end' and the Kasan markers are left out"
    }
    #expect(WarningText().message(w) == expected)
    // Both renderers give `expect warning` the same words.
    #expect(TextRenderer(output: StringOutput()).message(for: w) == expected)
    #expect(JSONRenderer(output: StringOutput()).message(for: w) == expected)
  }
}
