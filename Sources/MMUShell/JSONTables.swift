import MMU
import MMUScript
import MMUSyntax

/// The JSON of the kernel-format dumps and the whole-table checks (schema: docs/json.md).
extension JSONRenderer {
  func ptdumpRow(_ row: PtdumpRow, format: DumpFormat, type: String, range: SourceRange)
    -> JSONObject
  {
    var o = base(type, range)
    o.hex("start", row.start)
    o.string("end", Self.endString(row.end &- 1))
    o.hex("size", row.size)
    o.int("level", row.level)
    switch format {
    case .linux: o.string("level_name", PtdumpText.linuxLevelNames[min(max(row.kernelLevel, 0), 4)])
    case .kvm: o.string("level_name", String(row.level))
    }
    o.hex("prot", row.prot)
    o.bool("hole", row.prot == 0)
    o.string("text", PtdumpText.row(row, format: format))
    return o
  }

  func ptdumpObjects(_ e: PtdumpEvent) -> [JSONObject] {
    var head = base("ptdump", e.range)
    head.string("target", e.target)
    head.string("format", e.format.rawValue)
    head.string("section", e.section)
    head.hex("first", e.first)
    head.hex("last", e.last)
    head.int("lines", e.lines.count)
    return [head]
      + e.lines.map { l in
        switch l {
        case .marker(let name):
          var o = base("ptdump_marker", e.range)
          o.string("name", name)
          o.string("text", "---[ \(name) ]---")
          return o
        case .row(let r): return ptdumpRow(r, format: e.format, type: "ptdump_row", range: e.range)
        }
      }
  }

  func wxObject(_ e: WXCheckEvent) -> JSONObject {
    var o = base("check_wx", e.range)
    o.string("target", e.target)
    o.string("section", e.section)
    o.hex("page_size", e.pageSize)
    o.bool("passed", e.result.passed)
    o.int("wx_pages", Int(clamping: e.result.wxPages))
    o.int("non_uxn_pages", Int(clamping: e.result.nonUXNPages))
    o.array(
      "wx_rows", e.result.wxRows.map { PtdumpText.row($0, format: .linux) }.map(JSONObject.quote))
    o.array(
      "non_uxn_rows",
      e.result.nonUXNRows.map { PtdumpText.row($0, format: .linux) }.map(JSONObject.quote))
    return o
  }

  func physicalMapping(_ m: PhysicalMapping) -> JSONObject {
    var o = JSONObject()
    o.string("section", m.section)
    o.hex("va", m.va)
    o.hex("pa", m.pa)
    o.hex("size", m.size)
    o.string("output_space", m.outputIsIPA ? "ipa" : "pa")
    o.int("level", m.run.level)
    o.string("kind", m.run.kind.rawValue)
    o.object("permissions", rights(m.run.permissions, regime: m.regime))
    o.hex("attr", UInt64(m.run.attributes.mair))
    o.string("memory", MemoryAttributes.describe(m.run.attributes.mair))
    return o
  }

  func findPAObject(_ e: FindPAEvent) -> JSONObject {
    var o = base("find_pa", e.range)
    o.string("target", e.target)
    o.hex("first", e.first)
    o.hex("last", e.last)
    o.array("mappings", e.mappings.map { physicalMapping($0).text })
    return o
  }

  func aliasObject(_ e: AliasCheckEvent) -> JSONObject {
    var o = base("check_aliases", e.range)
    o.string("target", e.target)
    o.bool("passed", e.aliases.isEmpty)
    o.array(
      "aliases",
      e.aliases.map { a in
        var x = JSONObject()
        x.hex("first", a.first)
        x.hex("last", a.last)
        x.array("mappings", [physicalMapping(a.a).text, physicalMapping(a.b).text])
        return x.text
      })
    return o
  }

  func diffObject(_ e: DumpDiffEvent) -> JSONObject {
    var o = base("diff_dump", e.range)
    o.string("first", e.first)
    o.string("second", e.second)
    o.string("format", e.format.rawValue)
    o.array(
      "lines",
      e.lines.map { l in
        switch l {
        case .removed(let r): JSONObject.quote("-" + PtdumpText.row(r, format: e.format))
        case .added(let r): JSONObject.quote("+" + PtdumpText.row(r, format: e.format))
        }
      })
    return o
  }
}
