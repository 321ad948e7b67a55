import MMU
import MMUScript
import MMUSyntax

/// The JSON of the kernel-format dumps and the whole-table checks (schema: docs/json.md).
extension JSONRenderer {
  func ptdumpRow(_ row: PtdumpRow, format: DumpFormat, range: SourceRange) {
    open("ptdump_row", range)
    j.hex("start", row.start)
    j.end("end", row.end &- 1)
    j.hex("size", row.size)
    j.int("level", row.level)
    switch format {
    case .linux: j.string("level_name", PtdumpText.linuxLevelNames[min(max(row.kernelLevel, 0), 4)])
    case .kvm: j.string("level_name", String(row.level))
    }
    j.hex("prot", row.prot)
    j.bool("hole", row.prot == 0)
    j.string("text", PtdumpText.row(row, format: format))
    close(batched: true)
  }

  /// The `ptdump` line, then a line per marker and row.
  func ptdump(_ e: PtdumpEvent) {
    open("ptdump", e.range)
    j.string("target", ViewTargetText.text(e.target))
    j.string("format", e.format.rawValue)
    j.string("section", e.section)
    j.hex("first", e.first)
    j.hex("last", e.last)
    j.int("lines", e.lines.count)
    close(batched: true)
    for l in e.lines {
      switch l {
      case .marker(let name):
        open("ptdump_marker", e.range)
        j.string("name", name)
        j.string("text", "---[ \(name) ]---")
        close(batched: true)
      case .row(let r): ptdumpRow(r, format: e.format, range: e.range)
      }
    }
    out.write(&j.out)
  }

  /// `"name":[…]`: ptdump rows as the kernel's text.
  func ptdumpLines(_ k: StaticString, _ rows: [PtdumpRow]) {
    j.openArray(k)
    for r in rows { j.stringItem(PtdumpText.row(r, format: .linux)) }
    j.closeArray()
  }

  func wx(_ e: WXCheckEvent) {
    open("check_wx", e.range)
    j.string("target", ViewTargetText.text(e.target))
    j.string("section", e.section)
    j.hex("page_size", e.pageSize)
    j.bool("passed", e.result.passed)
    j.int("wx_pages", Int(clamping: e.result.wxPages))
    j.int("non_uxn_pages", Int(clamping: e.result.nonUXNPages))
    ptdumpLines("wx_rows", e.result.wxRows)
    ptdumpLines("non_uxn_rows", e.result.nonUXNRows)
    close()
  }

  func physicalMapping(_ m: PhysicalMapping) {
    j.openObject()
    j.string("section", m.section)
    j.hex("va", m.va)
    j.hex("pa", m.pa)
    j.hex("size", m.size)
    j.string("output_space", m.outputIsIPA ? "ipa" : "pa")
    j.int("level", m.run.level)
    j.string("kind", m.run.kind.rawValue)
    rights(m.run.permissions, regime: m.regime)
    j.hex("attr", UInt64(m.run.attributes.mair))
    j.string("memory", MemoryAttributes.describe(m.run.attributes.mair))
    j.closeObject()
  }

  func findPA(_ e: FindPAEvent) {
    open("find_pa", e.range)
    j.string("target", ViewTargetText.text(e.target))
    j.hex("first", e.first)
    j.hex("last", e.last)
    j.openArray("mappings")
    for m in e.mappings { physicalMapping(m) }
    j.closeArray()
    close()
  }

  func aliases(_ e: AliasCheckEvent) {
    open("check_aliases", e.range)
    j.string("target", ViewTargetText.text(e.target))
    j.bool("passed", e.aliases.isEmpty)
    j.openArray("aliases")
    for a in e.aliases {
      j.openObject()
      j.hex("first", a.first)
      j.hex("last", a.last)
      j.openArray("mappings")
      physicalMapping(a.a)
      physicalMapping(a.b)
      j.closeArray()
      j.closeObject()
    }
    j.closeArray()
    close()
  }

  func diff(_ e: DumpDiffEvent) {
    open("diff_dump", e.range)
    j.string("first", ViewTargetText.text(e.first))
    j.string("second", ViewTargetText.text(e.second))
    j.string("format", e.format.rawValue)
    j.openArray("lines")
    for l in e.lines {
      switch l {
      case .removed(let r): j.stringItem("-" + PtdumpText.row(r, format: e.format))
      case .added(let r): j.stringItem("+" + PtdumpText.row(r, format: e.format))
      }
    }
    j.closeArray()
    close()
  }
}
