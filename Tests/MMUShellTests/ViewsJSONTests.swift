import Foundation
import MMUTestSupport
import Testing

/// A JSON value as JSONDecoder reads it, keeping booleans and numbers apart.
indirect enum JSONValue: Decodable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? c.decode(Int.self) {
      self = .int(i)
    } else if let d = try? c.decode(Double.self) {
      self = .double(d)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let a = try? c.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try c.decode([String: JSONValue].self))
    }
  }

  var object: [String: JSONValue]? {
    if case .object(let o) = self { return o }
    return nil
  }
  var string: String? {
    if case .string(let s) = self { return s }
    return nil
  }
}

/// The schema docs/json.md documents, read from its tables: for each object name, its fields
/// with type and whether they are always there.
struct JSONSchema {
  struct Field {
    var type: String
    var always: Bool
  }
  var objects: [String: [String: Field]] = [:]

  init(markdown: String) {
    var current: String?
    for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("### `") {
        let name = line.dropFirst(5).prefix { $0 != "`" }
        current = String(name)
        objects[current!] = [:]
        continue
      }
      if line.hasPrefix("## ") { current = nil }
      guard let c = current, line.hasPrefix("| `") else { continue }
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      // "", name, type, presence, meaning, ""
      guard cells.count >= 5 else { continue }
      let name = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
      objects[c]![name] = Field(type: cells[2], always: cells[3] == "always")
    }
  }

  static func isHex(_ s: String) -> Bool {
    guard s.hasPrefix("0x"), s.count > 2 else { return false }
    return s.dropFirst(2).allSatisfy { "0123456789abcdef".contains($0) }
  }

  /// Problems of `value` against object `name` (recursively), prefixed with `path`.
  func check(_ value: [String: JSONValue], as name: String, path: String) -> [String] {
    guard let fields = objects[name] else { return ["\(path): no schema for '\(name)'"] }
    var problems: [String] = []
    for (key, v) in value.sorted(by: { $0.key < $1.key }) {
      guard let f = fields[key] else {
        problems.append("\(path).\(key): not documented for '\(name)'")
        continue
      }
      problems += check(v, type: f.type, path: "\(path).\(key)")
    }
    for (key, f) in fields where f.always && value[key] == nil {
      problems.append("\(path).\(key): documented as always present for '\(name)', missing")
    }
    return problems
  }

  func check(_ v: JSONValue, type: String, path: String) -> [String] {
    func bad() -> [String] { ["\(path): \(v) is not \(type)"] }
    switch type {
    case "string": return v.string != nil ? [] : bad()
    case "int":
      if case .int = v { return [] }
      return bad()
    case "bool":
      if case .bool = v { return [] }
      return bad()
    case "hex": return v.string.map(Self.isHex) == true ? [] : bad()
    case "hex or null":
      if v == .null { return [] }
      return v.string.map(Self.isHex) == true ? [] : bad()
    case "any": return []
    case "object of hex":
      guard let o = v.object else { return bad() }
      return o.values.allSatisfy { $0.string.map(Self.isHex) == true } ? [] : bad()
    default:
      if type.hasPrefix("object ") {
        guard let o = v.object else { return bad() }
        return check(o, as: String(type.dropFirst(7)), path: path)
      }
      if type.hasPrefix("array of ") {
        guard case .array(let items) = v else { return bad() }
        let element = String(type.dropFirst(9))
        return items.enumerated().flatMap { i, item -> [String] in
          switch element {
          case "hex", "any", "string", "int", "bool":
            return check(item, type: element, path: "\(path)[\(i)]")
          default: return check(item, type: "object \(element)", path: "\(path)[\(i)]")
          }
        }
      }
      return ["\(path): unknown documented type '\(type)'"]
    }
  }
}

@Suite("Views JSON")
struct ViewsJSONTests {
  /// A script that produces every kind of result.
  static func everything(dir: String) -> String {
    """
    print 0x10, 3, true, "s", el1
    echo "hello"
    space k regime el1 ttbr1
    map k 0xffff_8000_0000_0000 -> 0x4000_0000 size 2M
    map k 0xffff_8000_0020_0000 -> 0x4020_0000 size 64K pages rx contig
    switch ttbr1_el1 k
    walk el1 0xffff_8000_0000_1234 trace
    walk el1 0xffff_8000_0040_0000
    set el 2
    at s1e1r 0xffff_8000_0000_1000
    at s1e1r 0xffff_8000_0040_0000
    set el 1
    assert walk el1 0xffff_8000_0000_1234 == 0x4000_1234
    assert walk el1 0xffff_8000_0000_1234 == 0x5000_1234, "wrong on purpose"
    mem write 0x8000_0000 = 0x1234
    mem read 0x8000_0000 count 2
    decode 0x0060_0000_4000_0711 level 2
    decode 0x0000_0000_e000_1003 level 0
    decode 0x0040_0000_8000_07fd level 2 regime s2
    decode 0x0040_0000_8000_0743 level 3 regime el2
    decode 0 level 1
    show regs
    show machine
    show spaces
    show cpus
    show tlb
    tlbi vae1is 0xffff_8000_0000_1234
    isb
    dsb ish
    tlb fill el1 0xffff_8000_0000_1234
    explain 0xffff_8000_0000_1234
    dump el1
    dump k 0xffff_8000_0020_0000 size 8K
    layout el1
    graph k "\(dir)/k.dot"
    map k 0xffff_8000_0000_0000 -> 0x5000_0000 size 4K force
    space g regime s2 ipa_bits 40 granule 16k
    set ipa_bits 40 granule 16k
    map g 0 -> 0 size 4G
    switch vttbr_el2 g
    set stage2 on
    walk el1 0xffff_8000_0000_1234 trace
    walk s1 0xffff_8000_0000_1234
    explain 0xc1_2345_6789 for s2
    layout s2
    dump el1
    map nosuch 0 -> 0 size 4K
    """
  }

  static func schema() throws -> JSONSchema {
    let path = MMUSH.root + "/docs/json.md"
    return JSONSchema(markdown: try #require(Golden.read(path), "docs/json.md is missing"))
  }

  @Test("every result kind parses back and has its documented fields")
  func everyKindMatchesTheSchema() throws {
    let temporary = try TemporaryFolder("mmush-views-json")
    defer { temporary.remove() }
    let dir = temporary.path
    let schema = try Self.schema()
    let r = InProcess.run(Self.everything(dir: dir), json: true, allowWrite: [dir])
    #expect(r.status == 2, "the last statement is an error")
    #expect(r.err.isEmpty, "with --json everything goes to standard output: \(r.err)")
    var seen: [String: Int] = [:]
    for (n, line) in r.out.split(separator: "\n").enumerated() {
      let data = Data(line.utf8)
      // Foundation's parser accepts it as one JSON object…
      let any = try JSONSerialization.jsonObject(with: data)
      #expect(any is [String: Any], "line \(n + 1) is not an object: \(line)")
      // …and its fields are the documented ones, with the documented types.
      let value = try JSONDecoder().decode(JSONValue.self, from: data)
      let object = try #require(value.object, "line \(n + 1)")
      let type = try #require(object["type"]?.string, "line \(n + 1) has no type")
      seen[type, default: 0] += 1
      let problems = schema.check(object, as: type, path: type)
      #expect(problems.isEmpty, "line \(n + 1): \(problems.joined(separator: "; "))\n\(line)")
    }
    let kinds = [
      "print", "echo", "walk", "at", "assert", "diagnostic", "mem", "decode", "show", "explain",
      "dump", "dump_row", "layout", "graph", "summary", "tlbi", "dsb", "isb", "tlb_fill",
    ]
    for k in kinds { #expect(seen[k] != nil, "no \(k) object was printed") }
    #expect(seen["show"] == 5)
  }

  @Test("hex fields are hex strings and levels are numbers")
  func conventions() throws {
    let r = InProcess.run(
      """
      set granule 4k
      set lpa2 on
      set va_bits 52
      space k regime el1 ttbr1
      map k 0xfff0_0000_0000_0000 -> 0x4000_0000 size 4K
      switch ttbr1_el1 k
      walk el1 0xfff0_0000_0000_0010 trace
      dump el1
      """, json: true)
    #expect(r.status == 0, "\(r.out)")
    let lines = r.out.split(separator: "\n").map { Data($0.utf8) }
    let walk = try #require(
      lines.lazy.compactMap { try? JSONDecoder().decode(JSONValue.self, from: $0).object }
        .first { $0["type"]?.string == "walk" })
    #expect(walk["va"] == .string("0xfff0000000000010"))
    guard case .array(let steps) = walk["steps"] else {
      Issue.record("no steps")
      return
    }
    #expect(steps.count == 5)
    #expect(steps.first?.object?["level"] == .int(-1), "LPA2 starts at level -1")
    let row = try #require(
      lines.lazy.compactMap { try? JSONDecoder().decode(JSONValue.self, from: $0).object }
        .first { $0["type"]?.string == "dump_row" })
    #expect(row["end"] == .string("0xfff0000000001000"))
    #expect(row["entries"] == .int(1))
    #expect(row["level"] == .int(3))
  }

  @Test("the schema's tables parse and name every object they refer to")
  func schemaIsComplete() throws {
    let schema = try Self.schema()
    #expect(schema.objects.count >= 30)
    for (name, fields) in schema.objects {
      for (field, f) in fields {
        var t = f.type
        if t.hasPrefix("object ") && t != "object of hex" { t = String(t.dropFirst(7)) }
        if t.hasPrefix("array of ") { t = String(t.dropFirst(9)) }
        let known = ["string", "int", "bool", "hex", "hex or null", "any", "object of hex"]
        #expect(
          known.contains(t) || schema.objects[t] != nil,
          "\(name).\(field) refers to '\(f.type)', which is not described")
      }
    }
  }

  @Test("a layout region is named by its base register; a hole, which has none, by its kind")
  func layoutRegionNames() throws {
    let r = InProcess.run("layout el1", json: true)
    let event = try #require(
      try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    let regions = try #require(event["regions"] as? [[String: Any]])
    let names = regions.compactMap { $0["name"] as? String }
    let kinds = regions.compactMap { $0["kind"] as? String }
    // 4K, 48-bit: TTBR0_EL1 below, a hole, TTBR1_EL1 above (architecture.md §2).
    #expect(names == ["TTBR0_EL1", "hole", "TTBR1_EL1"])
    #expect(kinds == ["range", "hole", "range"])
  }
}
