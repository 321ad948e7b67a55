import MMU
import MMUScript
import MMUSyntax
import Testing

/// `set` for the controls the walker reads by name (PSTATE.PAN, HCR_EL2.DC/PTW/CD, TCR and
/// VTCR fields) and the AT forms that honour PAN. Register values are written out from the
/// Arm ARM field layouts: TCR_EL1 T0SZ [5:0], TG0 [15:14], T1SZ [21:16], TG1 [31:30], IPS
/// [34:32]; TCR_EL2 (E2H=0) PS [18:16], DS [32]; VTCR_EL2 PS [18:16].
@Suite("set: PAN, HCR_EL2 controls, register fields by name")
struct ControlSettingsTests {
  @Test func panIsPerCPUAndNeedsTheFeature() {
    let h = Harness()
    #expect(h.run("cpus 2\nset pan on") == nil)
    #expect(h.interpreter.machine.cpus[0].pan)
    #expect(!h.interpreter.machine.cpus[1].pan)
    #expect(h.run("set pan off") == nil)
    #expect(!h.interpreter.machine.cpus[0].pan)
    let d = h.run("set feature pan off\nset pan on")
    #expect(d?.message == "this CPU does not implement PAN")
  }

  @Test func atPANFormsNeedPAN2() {
    let h = Harness()
    let d = h.run("set el 2\nset feature pan 1\nat s1e1rp 0x1000")
    #expect(d?.message == "at s1e1rp needs FEAT_PAN2, which this CPU lacks")
  }

  @Test func dcMakesS1E1RTheFlatNormalMap() {
    let h = Harness()
    // AArch64.S1DisabledOutput with HCR_EL2.DC: PA = VA, ATTR 0xFF, SH 0b00, NS, RES1.
    #expect(h.run("set el 2\nset hcr_el2.dc = 1\nat s1e1r 0x1234_5678") == nil)
    #expect(h.interpreter.machine.cpu.registers[.par_el1] == 0xFF00_0000_1234_5A00)
  }

  @Test func vheRewritesTCREL2FieldByField() {
    let h = Harness()
    #expect(h.run("set granule 16k for el2\nset va_bits 39 for el2\nset pa_bits 40") == nil)
    var t = h.interpreter.machine.cpu.registers[.tcr_el2]
    // E2H=0 layout: T0SZ 25, TG0 0b10 (16K), PS 0b010 (40 bits).
    #expect(t & 0x3f == 25 && (t >> 14) & 3 == 0b10 && (t >> 16) & 7 == 0b010)
    #expect(h.run("set vhe on") == nil)
    t = h.interpreter.machine.cpu.registers[.tcr_el2]
    // EL1 layout: T0SZ = T1SZ = 25, TG0 0b10, TG1 0b01 (16K), IPS 0b010.
    #expect(t & 0x3f == 25 && (t >> 16) & 0x3f == 25)
    #expect((t >> 14) & 3 == 0b10 && (t >> 30) & 3 == 0b01 && (t >> 32) & 7 == 0b010)
    #expect(h.interpreter.machine.cpu.registers[.hcr_el2] == (1 << 34) | (1 << 27))
    #expect(h.run("set vhe off") == nil)
    t = h.interpreter.machine.cpu.registers[.tcr_el2]
    #expect(t & 0x3f == 25 && (t >> 14) & 3 == 0b10 && (t >> 16) & 7 == 0b010)
    #expect(h.interpreter.machine.cpu.registers[.hcr_el2] == 0)
  }

  @Test func paBitsAndLPA2WriteTheirFields() {
    let h = Harness()
    #expect(h.run("set pa_bits 40\nset lpa2 on for el2") == nil)
    let r = h.interpreter.machine.cpu.registers
    #expect((r[.tcr_el1] >> 32) & 7 == 0b010)
    #expect((r[.tcr_el2] >> 16) & 7 == 0b010)
    #expect((r[.vtcr_el2] >> 16) & 7 == 0b010)
    #expect(r[.id_aa64mmfr0_el1] & 0xf == 0b010)
    // TCR_EL2.DS is bit 32 in the E2H=0 layout.
    #expect((r[.tcr_el2] >> 32) & 1 == 1)
  }
}
