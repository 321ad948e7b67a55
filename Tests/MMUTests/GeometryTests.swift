import Testing

@testable import MMU

@Suite("Geometry")
struct GeometryTests {
  // MARK: Stage 1

  /// architecture.md §2.5 start-level table, transcribed: IA range -> start level per granule.
  static let stage1StartTable: [Granule: [(ClosedRange<Int>, Int)]] = [
    .k4: [(49...52, -1), (40...48, 0), (31...39, 1), (22...30, 2), (16...21, 3)],
    .k16: [(48...52, 0), (37...47, 1), (26...36, 2), (16...25, 3)],
    .k64: [(43...52, 1), (30...42, 2), (17...29, 3)],
  ]

  /// architecture.md §2.2: the low bit of each level's index (= log2 of the region one entry maps,
  /// architecture.md §2.3).
  static let indexLow: [Granule: [Int: Int]] = [
    .k4: [-1: 48, 0: 39, 1: 30, 2: 21, 3: 12],
    .k16: [0: 47, 1: 36, 2: 25, 3: 14],
    .k64: [1: 42, 2: 29, 3: 16],
  ]
  /// architecture.md §2.2: the high bit of each level's index when it is not the start level.
  static let indexHigh: [Granule: [Int: Int]] = [
    .k4: [0: 47, 1: 38, 2: 29, 3: 20],
    .k16: [1: 46, 2: 35, 3: 24],
    .k64: [2: 41, 3: 28],
  ]
  /// architecture.md §2.3 sizes, in bytes, of the region one entry maps at each level.
  static let entrySize: [Granule: [Int: UInt64]] = [
    .k4: [-1: 256 << 40, 0: 512 << 30, 1: 1 << 30, 2: 2 << 20, 3: 4 << 10],
    .k16: [0: 128 << 40, 1: 64 << 30, 2: 32 << 20, 3: 16 << 10],
    .k64: [1: 4 << 40, 2: 512 << 20, 3: 64 << 10],
  ]

  @Test("stage-1 start level, levels, index bits and entry sizes for every granule x IA")
  func everyGranuleAndInputSize() {
    var checked = 0
    for (granule, rows) in Self.stage1StartTable {
      for (range, start) in rows {
        for ia in range {
          let g = Geometry.stage1(granule: granule, inputBits: ia, ds: ia > 48)
          #expect(g.startLevel == start, "\(granule) IA \(ia)")
          // Levels walked: start..3.
          #expect(g.levels == 3 - start + 1, "\(granule) IA \(ia)")
          for level in start...3 {
            let ib = g.indexBits(level)
            let lo = Self.indexLow[granule]![level]!
            // The start level indexes [IA-1 : shift(start)] (architecture.md §2.2), the others a
            // full stride.
            let hi = level == start ? ia - 1 : Self.indexHigh[granule]![level]!
            #expect(ib.lo == lo && ib.hi == hi, "\(granule) IA \(ia) L\(level)")
            #expect(g.blockSize(level) == Self.entrySize[granule]![level]!)
          }
          // The start table has 2^(IA - shift(start)) entries, and stage 1 never concatenates.
          #expect(g.startEntries == 1 << (ia - Self.indexLow[granule]![start]!))
          #expect(g.concatenatedTables == 1)
          checked += 1
        }
      }
    }
    // 4K: 16...52 (37 sizes), 16K: 16...52 (37), 64K: 17...52 (36).
    #expect(checked == 37 + 37 + 36)
  }

  /// The configurations of architecture.md §12.2 and the issue: (granule, IA, levels, start,
  /// PTRS_PER_PGD, PGDIR_SHIFT).
  static let namedConfigurations: [(Granule, Int, Int, Int, Int, Int)] = [
    (.k4, 39, 3, 1, 512, 30),
    (.k4, 48, 4, 0, 512, 39),
    (.k4, 52, 5, -1, 16, 48),  // LPA2: level -1 resolves [51:48], 16 entries
    (.k16, 36, 2, 2, 2048, 25),
    (.k16, 47, 3, 1, 2048, 36),
    (.k16, 48, 4, 0, 2, 47),  // L0 holds 2 entries at 48 bits
    (.k16, 52, 4, 0, 32, 47),  // and 32 at 52 bits
    (.k64, 42, 2, 2, 8192, 29),
    (.k64, 48, 3, 1, 64, 42),
    (.k64, 52, 3, 1, 1024, 42),  // LVA: a 1024-entry first table
  ]

  @Test("named configurations (Linux PGTABLE_LEVELS table, architecture.md §12.2)")
  func namedConfigurationsFromGeometry() {
    for (granule, ia, levels, start, ptrs, pgdirShift) in Self.namedConfigurations {
      let g = Geometry.stage1(granule: granule, inputBits: ia, ds: ia > 48)
      #expect(g.levels == levels, "\(granule)/\(ia)")
      #expect(g.startLevel == start, "\(granule)/\(ia)")
      #expect(g.startEntries == ptrs, "\(granule)/\(ia)")
      #expect(g.levelShift(start) == pgdirShift, "\(granule)/\(ia)")
      #expect(g.startTableBytes == UInt64(ptrs * 8), "\(granule)/\(ia)")
    }
  }

  @Test("the same configurations read from TCR_EL1 for TTBR0 and TTBR1")
  func namedConfigurationsFromRegisters() throws {
    for (granule, ia, levels, start, ptrs, _) in Self.namedConfigurations {
      var r = baseRegisters()
      let tsz = UInt64(64 - ia)
      // DS=1 for 52-bit 4K/16K (LPA2); 64K/52 needs only FEAT_LVA (architecture.md §2.6).
      let ds = ia > 48 && granule != .k64 ? TCR.ds : 0
      r[.tcr_el1] =
        TCR.t0sz(tsz) | TCR.tg0(granule) | TCR.t1sz(tsz) | TCR.tg1(granule)
        | TCR.ips(0b110) | ds
      for upper in [false, true] {
        // The lowest address of each range: 0, or 2^64 - 2^IA (architecture.md §12.1).
        let va: UInt64 = upper ? ~((1 << UInt64(ia)) - 1) : 0
        let s = try TranslationSetup.stage1(r, regime: .el10, va: va, access: .read).get()
        #expect(s.upperRange == upper)
        #expect(s.geometry.granule == granule, "\(granule)/\(ia) upper \(upper)")
        #expect(s.geometry.inputBits == ia)
        #expect(s.geometry.startLevel == start, "\(granule)/\(ia)")
        #expect(s.geometry.levels == levels)
        #expect(s.geometry.startEntries == ptrs)
      }
    }
  }

  @Test("52-bit inputs need the feature: LVA for 64K, LPA2 (DS) for 4K/16K")
  func fiftyTwoBitNeedsFeature() {
    let l0 = Fault(.translation, level: 0)
    // 64K, T0SZ=12 without FEAT_LVA: below the minimum 16 → Translation L0 (architecture.md §2.4).
    var r = baseRegisters()
    r[.id_aa64mmfr2_el1] = ID.mmfr2(lva: false)
    r[.tcr_el1] = TCR.t0sz(12) | TCR.tg0(.k64) | TCR.ips(0b110)
    #expect(TranslationSetup.stage1(r, regime: .el10, va: 0, access: .read).fault == l0)
    // 4K, T0SZ=12 with DS=0: minimum is 16 → fault.
    r = baseRegisters()
    r[.tcr_el1] = TCR.t0sz(12) | TCR.tg0(.k4) | TCR.ips(0b110)
    #expect(TranslationSetup.stage1(r, regime: .el10, va: 0, access: .read).fault == l0)
    // 4K, T0SZ=12, DS=1, but TGran4 says no LPA2: DS is RES0 (architecture.md §2.6) → still 48-bit
    // min.
    r[.tcr_el1] |= TCR.ds
    r[.id_aa64mmfr0_el1] = ID.mmfr0(lpa2: false)
    #expect(TranslationSetup.stage1(r, regime: .el10, va: 0, access: .read).fault == l0)
    // 16K, T0SZ=12 with DS=1 and LPA2: L0 with 32 entries (architecture.md §2.2).
    r = baseRegisters()
    r[.tcr_el1] = TCR.t0sz(12) | TCR.tg0(.k16) | TCR.ips(0b110) | TCR.ds
    let s = try? TranslationSetup.stage1(r, regime: .el10, va: 0, access: .read).get()
    #expect(s?.geometry.startLevel == 0)
    #expect(s?.geometry.startEntries == 32)
  }

  @Test("TxSZ limits without FEAT_TTST: max 39 (architecture.md §2.4)")
  func txszWithoutTTST() {
    var r = baseRegisters()
    r[.id_aa64mmfr2_el1] = ID.mmfr2(ttst: false)
    r[.tcr_el1] = TCR.t0sz(39) | TCR.tg0(.k4) | TCR.ips(0b101)
    // T0SZ 39 → IA 25 → 4K start level 2 (architecture.md §2.5).
    let ok = try? TranslationSetup.stage1(r, regime: .el10, va: 0, access: .read).get()
    #expect(ok?.geometry.startLevel == 2)
    r[.tcr_el1] = TCR.t0sz(40) | TCR.tg0(.k4) | TCR.ips(0b101)
    #expect(
      TranslationSetup.stage1(r, regime: .el10, va: 0, access: .read).fault
        == Fault(.translation, level: 0))
    // With TTST: 48 allowed for 4K (IA 16, start level 3), 47 the max for 64K.
    r[.id_aa64mmfr2_el1] = ID.mmfr2(ttst: true)
    r[.tcr_el1] = TCR.t0sz(48) | TCR.tg0(.k4) | TCR.ips(0b101)
    let small = try? TranslationSetup.stage1(r, regime: .el10, va: 0, access: .read).get()
    #expect(small?.geometry.startLevel == 3)
    #expect(small?.geometry.startEntries == 16)
    r[.tcr_el1] = TCR.t0sz(48) | TCR.tg0(.k64) | TCR.ips(0b101)
    #expect(
      TranslationSetup.stage1(r, regime: .el10, va: 0, access: .read).fault
        == Fault(.translation, level: 0))
    r[.tcr_el1] = TCR.t0sz(47) | TCR.tg0(.k64) | TCR.ips(0b101)
    let k64 = try? TranslationSetup.stage1(r, regime: .el10, va: 0, access: .read).get()
    #expect(k64?.geometry.startLevel == 3)
    #expect(k64?.geometry.startEntries == 2)
  }

  @Test("TG0 and TG1 encodings differ (architecture.md §2.1)")
  func granuleEncodings() {
    #expect(Granule(tg0: 0b00) == .k4)
    #expect(Granule(tg0: 0b01) == .k64)
    #expect(Granule(tg0: 0b10) == .k16)
    #expect(Granule(tg1: 0b01) == .k16)
    #expect(Granule(tg1: 0b10) == .k4)
    #expect(Granule(tg1: 0b11) == .k64)
    #expect(Granule.k4.tlbiTG == 0b01 && Granule.k16.tlbiTG == 0b10 && Granule.k64.tlbiTG == 0b11)
    #expect(Granule.k4.entriesPerTable == 512)
    #expect(Granule.k16.entriesPerTable == 2048)
    #expect(Granule.k64.entriesPerTable == 8192)
  }

  @Test("contiguous group sizes (architecture.md §3.6)")
  func contiguousGroups() {
    #expect(Granule.k4.contiguousEntries(at: 1) == 16)
    #expect(Granule.k4.contiguousEntries(at: 2) == 16)
    #expect(Granule.k4.contiguousEntries(at: 3) == 16)
    #expect(Granule.k16.contiguousEntries(at: 2) == 32)
    #expect(Granule.k16.contiguousEntries(at: 3) == 128)
    #expect(Granule.k64.contiguousEntries(at: 2) == 32)
    #expect(Granule.k64.contiguousEntries(at: 3) == 32)
  }

  // MARK: Stage 2

  /// architecture.md §5.2 without SL2: start level per (granule, SL0), nil where reserved; the
  /// PAMax/TTST/DS conditions are checked separately below.
  static func stage2Start(_ g: Granule, sl0: UInt64, ds: Bool) -> Int? {
    switch (g, sl0) {
    case (.k4, 0): 2
    case (.k4, 1): 1
    case (.k4, 2): 0  // requires PAMax >= 44 (52 here)
    case (.k4, 3): 3  // requires TTST (on here)
    case (.k16, 0): 3
    case (.k16, 1): 2
    case (.k16, 2): 1  // requires PAMax >= 42
    case (.k16, 3): ds ? 0 : nil  // requires DS=1
    case (.k64, 0): 3
    case (.k64, 1): 2
    case (.k64, 2): 1  // requires PAMax >= 44
    default: nil  // 64K SL0=3 reserved
    }
  }

  /// architecture.md §5.3 consistency table: the IA range each start level translates.
  static let stage2Range: [Granule: [Int: ClosedRange<Int>]] = [
    .k4: [-1: 49...52, 0: 40...52, 1: 31...43, 2: 22...34, 3: 16...25],
    .k16: [0: 48...52, 1: 37...51, 2: 26...40, 3: 16...29],
    .k64: [1: 43...52, 2: 30...46, 3: 17...33],
  ]
  static let stride: [Granule: Int] = [.k4: 9, .k16: 11, .k64: 13]

  @Test("every stage-2 (granule, IA, SL0[, SL2, DS]) combination: start level and concatenation")
  func everyStage2Combination() {
    var valid = 0
    var invalid = 0
    for granule in Granule.allCases {
      for ds in granule == .k64 ? [false] : [false, true] {
        for sl2 in granule == .k4 && ds ? [false, true] : [false] {
          for sl0: UInt64 in 0...3 {
            for ia in 12...56 {
              var r = baseRegisters()
              r[.vtcr_el2] =
                VTCR.t0sz(UInt64(64 - ia)) | VTCR.sl0(sl0) | VTCR.tg0(granule) | VTCR.ps(0b110)
                | (ds ? VTCR.ds : 0) | (sl2 ? VTCR.sl2 : 0) | VTCR.res1
              // T0SZ limits (architecture.md §2.4, stage 2 uses the same numbers): IA 16...48, down
              // to 17 for 64K, up to 52 with DS (4K/16K) or LVA (64K).
              let minIA = granule == .k64 ? 17 : 16
              let maxIA = ds || granule == .k64 ? 52 : 48
              // SL2:SL0 = 1:00 is level -1 (4K with DS only); 1:other reserved (architecture.md
              // §5.2).
              let start: Int? =
                sl2 ? (sl0 == 0 ? -1 : nil) : Self.stage2Start(granule, sl0: sl0, ds: ds)
              var expectedStart: Int? = nil
              if (minIA...maxIA).contains(ia), let s = start,
                Self.stage2Range[granule]![s]!.contains(ia)
              {
                expectedStart = s
              }
              let result = TranslationSetup.stage2(r, ipa: 0, access: .read)
              if let s = expectedStart {
                valid += 1
                let g = try? result.get().geometry
                #expect(g?.startLevel == s, "\(granule) ds \(ds) sl2 \(sl2) sl0 \(sl0) IA \(ia)")
                // architecture.md §5.3: 2^(IA - shift(s) - stride) tables when that is above one.
                let lo = Self.indexLow[granule]![s]!
                let extra = ia - lo - Self.stride[granule]!
                let tables = extra > 0 ? 1 << extra : 1
                #expect(g?.concatenatedTables == tables, "\(granule) sl0 \(sl0) IA \(ia)")
                #expect((1...16).contains(tables))
              } else {
                invalid += 1
                #expect(
                  result.fault == Fault(.translation, level: 0, stage: 2, ipa: 0),
                  "\(granule) ds \(ds) sl2 \(sl2) sl0 \(sl0) IA \(ia)")
              }
            }
          }
        }
      }
    }
    #expect(valid > 150 && invalid > 400)
  }

  @Test("the issue's two concatenation examples, and level -1")
  func stage2Examples() throws {
    var r = baseRegisters()
    // 40-bit IPA, 4K, SL0=01 → start level 1, IPA[39:30] = 10 bits = 2 tables of 512.
    r[.vtcr_el2] = VTCR.t0sz(24) | VTCR.sl0(1) | VTCR.tg0(.k4) | VTCR.ps(0b101)
    var g = try TranslationSetup.stage2(r, ipa: 0, access: .read).get().geometry
    #expect(g.startLevel == 1 && g.concatenatedTables == 2 && g.startEntries == 1024)
    #expect(g.indexBits(1) == (hi: 39, lo: 30))
    // 40-bit IPA, 16K, SL0=01 → start level 2, IPA[39:25] = 15 bits = 16 tables of 2048.
    r[.vtcr_el2] = VTCR.t0sz(24) | VTCR.sl0(1) | VTCR.tg0(.k16) | VTCR.ps(0b101)
    g = try TranslationSetup.stage2(r, ipa: 0, access: .read).get().geometry
    #expect(g.startLevel == 2 && g.concatenatedTables == 16 && g.startEntries == 32768)
    #expect(g.startTableBytes == 256 << 10)
    // 52-bit IPA, 4K, DS=1, SL2:SL0 = 1:00 → level -1 with 16 entries, no concatenation.
    r[.vtcr_el2] =
      VTCR.t0sz(12) | VTCR.sl0(0) | VTCR.sl2 | VTCR.ds | VTCR.tg0(.k4) | VTCR.ps(0b110)
    g = try TranslationSetup.stage2(r, ipa: 0, access: .read).get().geometry
    #expect(g.startLevel == -1 && g.startEntries == 16 && g.levels == 5)
  }

  @Test("SL0 needing more PA or TTST than implemented faults (architecture.md §5.4 item 3)")
  func stage2NeedsPAMax() {
    func setup(_ g: Granule, ia: Int, sl0: UInt64, parange: UInt64, ttst: Bool = true)
      -> Result<StageSetup, Fault>
    {
      var r = baseRegisters()
      r[.id_aa64mmfr0_el1] = ID.mmfr0(parange: parange)
      r[.id_aa64mmfr2_el1] = ID.mmfr2(ttst: ttst)
      r[.vtcr_el2] = VTCR.t0sz(UInt64(64 - ia)) | VTCR.sl0(sl0) | VTCR.tg0(g) | VTCR.ps(0)
      return TranslationSetup.stage2(r, ipa: 0, access: .read)
    }
    let fault = Fault(.translation, level: 0, stage: 2, ipa: 0)
    // 4K SL0=2 (L0) needs PAMax >= 44: PARange 0b010 = 40 bits → fault, 0b100 = 44 → L0.
    #expect(setup(.k4, ia: 40, sl0: 2, parange: 0b010).fault == fault)
    #expect((try? setup(.k4, ia: 40, sl0: 2, parange: 0b100).get())?.geometry.startLevel == 0)
    // 16K SL0=2 (L1) needs PAMax >= 42: 40 → fault, 0b011 = 42 → L1.
    #expect(setup(.k16, ia: 40, sl0: 2, parange: 0b010).fault == fault)
    #expect((try? setup(.k16, ia: 40, sl0: 2, parange: 0b011).get())?.geometry.startLevel == 1)
    // 64K SL0=2 (L1) needs PAMax >= 44: 42 → fault, 44 → L1.
    #expect(setup(.k64, ia: 43, sl0: 2, parange: 0b011).fault == fault)
    #expect((try? setup(.k64, ia: 43, sl0: 2, parange: 0b100).get())?.geometry.startLevel == 1)
    // 4K SL0=3 (L3) needs FEAT_TTST; IA 25 (T0SZ 39) is in range for L3 without TTST.
    #expect(setup(.k4, ia: 25, sl0: 3, parange: 0b110, ttst: false).fault == fault)
    #expect((try? setup(.k4, ia: 25, sl0: 3, parange: 0b110).get())?.geometry.startLevel == 3)
  }

  /// architecture.md §5.5's worked table: IPA → (start level, concatenated tables) per granule.
  static let kvmTable: [(Int, (Int, Int), (Int, Int), (Int, Int))] = [
    (32, (2, 4), (2, 1), (2, 1)),
    (33, (2, 8), (2, 1), (2, 1)),
    (34, (2, 16), (2, 1), (2, 1)),
    (35, (1, 1), (2, 1), (2, 1)),
    (36, (1, 1), (2, 1), (2, 1)),
    (37, (1, 1), (2, 2), (2, 1)),
    (38, (1, 1), (2, 4), (2, 1)),
    (39, (1, 1), (2, 8), (2, 1)),
    (40, (1, 2), (2, 16), (2, 1)),
    (41, (1, 4), (1, 1), (2, 1)),
    (42, (1, 8), (1, 1), (2, 1)),
    (43, (1, 16), (1, 1), (2, 2)),
    (44, (0, 1), (1, 1), (2, 4)),
    (45, (0, 1), (1, 1), (2, 8)),
    (46, (0, 1), (1, 1), (2, 16)),
    (47, (0, 1), (1, 1), (1, 1)),
    (48, (0, 1), (1, 2), (1, 1)),
    (49, (0, 2), (1, 4), (1, 1)),
    (50, (0, 4), (1, 8), (1, 1)),
    (51, (0, 8), (1, 16), (1, 1)),
    (52, (0, 16), (0, 1), (1, 1)),
  ]

  @Test("KVM's stage-2 choice for IPA 32...52 on every granule (architecture.md §5.5)")
  func kvmStage2Table() throws {
    // SL0 encodings of architecture.md §5.2 for the start levels KVM uses.
    let sl0: [Granule: [Int: UInt64]] = [
      .k4: [2: 0b00, 1: 0b01, 0: 0b10], .k16: [2: 0b01, 1: 0b10, 0: 0b11],
      .k64: [2: 0b01, 1: 0b10],
    ]
    for (ipa, k4, k16, k64) in Self.kvmTable {
      for (granule, want) in [(Granule.k4, k4), (.k16, k16), (.k64, k64)] {
        let ds = ipa > 48 && granule != .k64
        let g = Geometry.kvmStage2(granule: granule, ipaBits: ipa, ds: ds)
        #expect(g.startLevel == want.0, "\(granule) IPA \(ipa)")
        #expect(g.concatenatedTables == want.1, "\(granule) IPA \(ipa)")
        let enc = Geometry.sl0(granule: granule, startLevel: want.0)
        #expect(enc?.sl0 == sl0[granule]![want.0]! && enc?.sl2 == false)
        // "every row also satisfies architecture.md §5.3": the registers accept it and agree.
        var r = baseRegisters()
        r[.vtcr_el2] =
          VTCR.t0sz(UInt64(64 - ipa)) | VTCR.sl0(sl0[granule]![want.0]!) | VTCR.tg0(granule)
          | VTCR.ps(0b110) | (ds ? VTCR.ds : 0)
        let s = try TranslationSetup.stage2(r, ipa: 0, access: .read).get()
        #expect(s.geometry.startLevel == want.0 && s.geometry.concatenatedTables == want.1)
      }
    }
  }

  @Test("invalid SL0 / inconsistent IA: stage-2 level-0 translation fault from the walker")
  func stage2SetupFaultsThroughWalker() throws {
    let m = PhysicalMemory()
    var r = baseRegisters()
    // 64K with SL0=0b11: reserved (architecture.md §5.2).
    r[.vtcr_el2] = VTCR.t0sz(24) | VTCR.sl0(3) | VTCR.tg0(.k64) | VTCR.ps(0b101)
    let ipa: UInt64 = 0x1234_5000
    #expect(
      walk(m, r, s2Ctx, ipa).outcome
        == .faulted(Fault(.translation, level: 0, stage: 2, ipa: ipa)))
    // 4K, SL0=0 (start L2) with a 40-bit IPA: L2 covers at most 34 bits (architecture.md §5.3).
    r[.vtcr_el2] = VTCR.t0sz(24) | VTCR.sl0(0) | VTCR.tg0(.k4) | VTCR.ps(0b101)
    #expect(
      walk(m, r, s2Ctx, ipa, .write).outcome
        == .faulted(Fault(.translation, level: 0, stage: 2, ipa: ipa, write: true)))
    // 4K, SL0=1 (start L1) with a 30-bit IPA: L1 must resolve at least one bit (IA >= 31).
    r[.vtcr_el2] = VTCR.t0sz(34) | VTCR.sl0(1) | VTCR.tg0(.k4) | VTCR.ps(0b101)
    #expect(
      walk(m, r, s2Ctx, ipa).outcome
        == .faulted(Fault(.translation, level: 0, stage: 2, ipa: ipa)))
    // Nested: the first stage-1 table fetch (IPA of L0 entry 0 = TTBR0 0x1000) meets the
    // bad stage 2 → stage-2 fault, S1PTW=1, level 0, reported for the descriptor's IPA.
    r[.hcr_el2] = HCR.vm
    r[.ttbr0_el1] = 0x1000
    #expect(
      walk(m, r, AccessContext(regime: .el10, stage2: true), 0x0).outcome
        == .faulted(Fault(.translation, level: 0, stage: 2, s1ptw: true, ipa: 0x1000)))
  }
}
