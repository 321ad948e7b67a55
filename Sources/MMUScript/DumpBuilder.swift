import MMU
import MMUSyntax

/// The leaves of a space coalesced into runs, as Linux's ptdump prints them: consecutive
/// entries at one level with the same attributes and contiguous output addresses become one
/// row. The visit reads only tables that exist, so cost follows what is mapped.
enum DumpBuilder {
  static func rows(
    space: AddressSpace, memory: PhysicalMemory, first: UInt64, last: UInt64, limit: Int
  )
    throws -> [DumpRow]
  {
    let g = space.granule
    let ds = space.geometry.ds
    let addressBits = Descriptor(0).withAddress(lowMask(52), granule: g, ds: ds).raw
    var rows: [DumpRow] = []
    var entries = 0
    do {
      try space.visit(from: first, through: last, memory: memory) { phase, e in
        guard phase == .leaf, e.kind.isLeaf else { return }
        entries += 1
        guard entries <= limit else {
          throw Diagnostic.error(
            "dump stopped after \(limit) entries",
            at: SourceRange(at: SourceLocation(file: "", line: 0, column: 0, offset: 0)))
        }
        let d = Descriptor(e.descriptor)
        let out = d.address(granule: g, ds: ds, outputBits: 52, level: e.level)
        let attrs = e.descriptor & ~addressBits
        if var r = rows.last, r.level == e.level, r.last &+ 1 == e.inputAddress,
          r.descriptor & ~addressBits == attrs,
          r.outputStart &+ (r.last &- r.start &+ 1) == out
        {
          r.last = e.lastAddress
          r.count += 1
          rows[rows.count - 1] = r
        } else {
          rows.append(
            DumpRow(
              start: e.inputAddress, last: e.lastAddress, level: e.level, pageSize: e.size,
              outputStart: out, descriptor: e.descriptor, count: 1))
        }
      }
    } catch let d as Diagnostic {
      throw d
    } catch {
      throw Diagnostic.error(
        "dump failed: \(error)",
        at: SourceRange(at: SourceLocation(file: "", line: 0, column: 0, offset: 0)))
    }
    return rows
  }
}
