import MMU
import MMUCoreFile
import Testing

/// The EL1 registers derived from VMCOREINFO, against values worked out by hand from the
/// TCR_EL1 field layout (T0SZ [5:0], EPD0 [7], TG0 [15:14], T1SZ [21:16], TG1 [31:30],
/// IPS [34:32], DS [59]) and AArch64.TTBaseAddress.
@Suite("Kernel registers from VMCOREINFO")
struct KernelRegisterTests {
  func info(_ lines: [String]) throws -> VMCoreInfo {
    try VMCoreInfo(text: Array(lines.map { $0 + "\n" }.joined().utf8))
  }

  func registers(_ lines: [String], paRange: UInt64 = 6) throws -> KernelRegisters {
    try KernelRegisters(try info(lines), paRange: paRange, sctlr: RegisterDefaults.sctlrEL1)
  }

  func replacing(_ key: String, with line: String?) -> [String] {
    var l = ELFBuilder.linuxInfo.filter { !$0.hasPrefix(key + "=") }
    if let line { l.append(line) }
    return l
  }

  @Test("4K, T1SZ 16: TTBR1 = swapper_pg_dir - kimage_voffset, IPS capped at 48 bits")
  func fourK48() throws {
    let r = try registers(ELFBuilder.linuxInfo)
    // 0xffff800081cb8000 - 0xffff80003fe00000 = 0x41eb8000.
    #expect(r.ttbr1 == 0x41eb_8000)
    #expect(r.vaBits == 48)
    #expect(!r.ds)
    // Reset TCR_EL1 with EPD0 = 1, T0SZ = T1SZ = 16, TG0 = 00 (4K), TG1 = 10 (4K), IPS = 101
    // (PARange 52 capped to 48 without DS) = 0x15_b510_3590, plus what __cpu_setup sets on
    // 6.12: A1 [22], TBI0 [37], TBI1 [38], TBID1 [52].
    #expect(r.tcr == 0x0010_0075_b550_3590)
    #expect(r.sctlr & 1 == 1)
  }

  @Test("16K, T1SZ 12 (older kernels spell it lower case): DS = 1, IPS 52")
  func sixteenK52() throws {
    var lines = replacing("PAGESIZE", with: "PAGESIZE=16384")
    lines = lines.filter { !$0.hasPrefix("NUMBER(TCR_EL1_T1SZ)") } + ["NUMBER(tcr_el1_t1sz)=0xc"]
    let r = try registers(lines)
    #expect(r.granule == .k16)
    #expect(r.ds)
    #expect(r.vaBits == 52)
    // T0SZ = T1SZ = 12, EPD0, TG0 = 10 (16K), TG1 = 01 (16K), IPS = 110, DS = 1, and A1,
    // TBI0, TBI1, TBID1.
    #expect(r.tcr == 0x0810_0076_754c_b58c)
  }

  @Test("no T1SZ: VA_BITS below 52 is the running size; VA_BITS 52 counts only for 64K")
  func vaBitsFallback() throws {
    let without = replacing("NUMBER(TCR_EL1_T1SZ)", with: nil)
    // VA_BITS 52 with 4K could run 48 or 52 bits: not enough to know.
    #expect(throws: CoreFileError.missingKey("NUMBER(TCR_EL1_T1SZ)")) {
      try registers(without)
    }
    let r39 = try registers(
      without.filter { !$0.hasPrefix("NUMBER(VA_BITS)") } + ["NUMBER(VA_BITS)=39"])
    #expect(r39.vaBits == 39)
    var sixtyFour = without.filter { !$0.hasPrefix("PAGESIZE") } + ["PAGESIZE=65536"]
    sixtyFour = sixtyFour.filter { !$0.hasPrefix("SYMBOL(swapper") }
    sixtyFour.append("SYMBOL(swapper_pg_dir)=ffff800081cc0000")
    let r64 = try registers(sixtyFour)
    #expect(r64.vaBits == 52)
    #expect(!r64.ds)
    // T0SZ = T1SZ = 12, EPD0, TG0 = 01 (64K), TG1 = 11 (64K), IPS = 110.
    #expect(r64.tcr == 0x0010_0076_f54c_758c)
  }

  @Test("impossible values: T1SZ 99, swapper_pg_dir below kimage_voffset, PAGESIZE 8192")
  func impossible() {
    #expect(throws: CoreFileError.self) {
      try registers(replacing("NUMBER(TCR_EL1_T1SZ)", with: "NUMBER(TCR_EL1_T1SZ)=99"))
    }
    do {
      _ = try registers(
        replacing("SYMBOL(swapper_pg_dir)", with: "SYMBOL(swapper_pg_dir)=1000"))
      Issue.record("expected an error")
    } catch let e as CoreFileError {
      guard case .badValue(let key, _, let reason) = e else {
        Issue.record("expected badValue, got \(e)")
        return
      }
      #expect(key == "SYMBOL(swapper_pg_dir)")
      #expect(reason.contains("below NUMBER(kimage_voffset)"))
    } catch { Issue.record("\(error)") }
    #expect(throws: CoreFileError.self) {
      try registers(replacing("PAGESIZE", with: "PAGESIZE=8192"))
    }
    #expect(throws: CoreFileError.self) {
      try registers(replacing("NUMBER(kimage_voffset)", with: "NUMBER(kimage_voffset)=0xzz"))
    }
    #expect(throws: CoreFileError.missingKey("SYMBOL(swapper_pg_dir)")) {
      try registers(replacing("SYMBOL(swapper_pg_dir)", with: nil))
    }
    // A PA of 2^48 or more needs 52-bit output addresses, which 4K without DS has not.
    #expect(throws: CoreFileError.self) {
      try registers(
        replacing("SYMBOL(swapper_pg_dir)", with: "SYMBOL(swapper_pg_dir)=ffff000000000000")
          .filter { !$0.hasPrefix("NUMBER(kimage_voffset)") }
          + ["NUMBER(kimage_voffset)=0xfff0000000000000"])
    }
  }

  @Test("MAIR_EL1 by release: the slots of 5.4, 5.10 and 6.0 onwards")
  func mairByRelease() throws {
    func mair(_ release: String) throws -> UInt64 {
      try registers(replacing("OSRELEASE", with: "OSRELEASE=\(release)")).mair
    }
    // 5.4: 0 nGnRnE 0x00, 1 nGnRE 0x04, 2 GRE 0x0c, 3 NC 0x44, 4 Normal 0xff, 5 WT 0xbb.
    #expect(try mair("5.4.0-150-generic") == 0x0000_bbff_440c_0400)
    // 5.10-5.19: 0 Normal, 1 Tagged (Normal until MTE), 2 NC, 3 WT, 4 nGnRnE, 5 nGnRE, 6 GRE.
    #expect(try mair("5.10.0-28-arm64") == 0x000c_0400_bb44_ffff)
    #expect(try mair("5.19.17") == 0x000c_0400_bb44_ffff)
    // 6.0 on: 0 Normal, 1 Tagged, 2 NC, 3 nGnRnE, 4 nGnRE.
    #expect(try mair("6.1.0-41-arm64") == 0x0000_0004_0044_ffff)
    #expect(try mair("6.12.118+deb12-arm64") == 0x0000_0004_0044_ffff)
  }

  @Test("VMCOREINFO numbers: SYMBOL hex, NUMBER decimal or 0x hex, negative NUMBER")
  func numbers() throws {
    let i = try info([
      "SYMBOL(a)=ffff000000001000", "NUMBER(b)=27", "NUMBER(c)=0x10", "NUMBER(d)=-1",
      "KERNELOFFSET=1a00000", "OSRELEASE=6.1.0", "NUMBER(bad)=12x",
    ])
    #expect(try i.number("SYMBOL(a)") == 0xffff_0000_0000_1000)
    #expect(try i.number("NUMBER(b)") == 27)
    #expect(try i.number("NUMBER(c)") == 16)
    #expect(try i.number("NUMBER(d)") == .max)
    #expect(try i.number("KERNELOFFSET") == 0x1a0_0000)
    #expect(try i.number("NUMBER(missing)") == nil)
    #expect(throws: CoreFileError.self) { try i.number("NUMBER(bad)") }
    #expect(i.resolve("a") == "SYMBOL(a)")
    #expect(i.resolve("b") == "NUMBER(b)")
    #expect(i.resolve("OSRELEASE") == "OSRELEASE")
    #expect(i.resolve("nothing") == nil)
    #expect(i.release! == (6, 1))
    #expect(throws: CoreFileError.self) { try VMCoreInfo(text: Array("NOEQUALS\n".utf8)) }
  }

  @Test("TBI1 and TBID1 from 5.10 (CONFIG_ARM64_MTE), TBI0 and A1 always")
  func linuxFlagsByRelease() throws {
    let old = try registers(replacing("OSRELEASE", with: "OSRELEASE=5.4.0-test"))
    // 0x15_b510_3590 with A1 [22] and TBI0 [37] only.
    #expect(old.tcr == 0x35_b550_3590)
    let new = try registers(replacing("OSRELEASE", with: "OSRELEASE=5.10.0-test"))
    #expect(new.tcr == 0x0010_0075_b550_3590)
  }
}

@Suite("Kernel regions from VMCOREINFO")
struct KernelRegionTests {
  @Test("the bounds present and in order, sorted by start; a missing or reversed pair is left out")
  func regions() throws {
    let i = try VMCoreInfo(
      text: Array(
        """
        NUMBER(VMALLOC_START)=0xffff800080000000
        NUMBER(MODULES_VADDR)=0xffff800000000000
        NUMBER(MODULES_END)=0xffff800080000000
        NUMBER(VMALLOC_END)=0xfffffdffbf800000
        NUMBER(VMEMMAP_START)=0xffffffffc0000000
        NUMBER(VMEMMAP_END)=0xffffc1ffc0000000

        """.utf8))
    #expect(
      i.regions == [
        KernelRegion(kind: .modules, start: 0xffff_8000_0000_0000, end: 0xffff_8000_8000_0000),
        KernelRegion(kind: .vmalloc, start: 0xffff_8000_8000_0000, end: 0xffff_fdff_bf80_0000),
      ])
  }
}
