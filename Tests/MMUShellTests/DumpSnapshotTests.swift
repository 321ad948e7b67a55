import Foundation
import MMUShell
import Testing

/// `snapshot dump … as NAME` then `diff dump NAME TARGET`: the tables before and after a
/// change, as ptdump-style - and + lines. Expected rows are derived by hand from
/// arch/arm64/mm/ptdump.c (note_page: a run ends where the printed bits or the level change;
/// a zero entry is a hole at its level and prints no fields) for PAGE_KERNEL pages (valid, RW,
/// PXN, UXN, SH inner, AF, AttrIndx 0: `RW NX SHD AF            UXN    MEM/NORMAL`).
@Suite("Dump snapshots and diffs across a change")
struct DumpSnapshotTests {
  static let setup = """
    space k regime el1 ttbr1 granule 4k va_bits 48
    map k 0xffff_0000_0000_0000 -> 0x4000_0000 size 12k pages
    switch ttbr1_el1 k
    snapshot dump el1 as before

    """

  static let rw = "RW NX SHD AF            UXN    MEM/NORMAL"
  static let ro = "ro NX SHD AF            UXN    MEM/NORMAL"

  @Test("protect: one 12K run becomes RW, ro, RW; the holes after it are unchanged")
  func protect() {
    let r = InProcess.run(
      Self.setup + """
        protect k 0xffff_0000_0000_1000 size 4k ro
        diff dump before el1
        assert diff dump before el1

        """)
    #expect(r.status == 1, "\(r.err)")
    #expect(
      r.out.hasPrefix(
        """
        --- snapshot before (el1)
        +++ el1
        -0xffff000000000000-0xffff000000003000          12K PTE       \(Self.rw)
        +0xffff000000000000-0xffff000000001000           4K PTE       \(Self.rw)
        +0xffff000000001000-0xffff000000002000           4K PTE       \(Self.ro)
        +0xffff000000002000-0xffff000000003000           4K PTE       \(Self.rw)

        """), "\(r.out)")
    #expect(
      r.out.contains(
        "diff dump snapshot before (el1) el1: expected no difference, got 4 differing rows"))
  }

  @Test("unmap: the page becomes a hole at its level, printed without fields")
  func unmap() {
    let r = InProcess.run(
      Self.setup + """
        unmap k 0xffff_0000_0000_1000 size 4k
        diff dump before el1

        """)
    #expect(r.status == 0, "\(r.err)")
    #expect(
      r.out == """
        --- snapshot before (el1)
        +++ el1
        -0xffff000000000000-0xffff000000003000          12K PTE       \(Self.rw)
        +0xffff000000000000-0xffff000000001000           4K PTE       \(Self.rw)
        +0xffff000000001000-0xffff000000002000           4K PTE
        +0xffff000000002000-0xffff000000003000           4K PTE       \(Self.rw)

        """)
  }

  @Test("No change: no rows, and the assert form passes; a snapshot against a snapshot")
  func unchanged() {
    let r = InProcess.run(
      Self.setup + """
        assert diff dump before el1
        snapshot dump k as after
        assert diff dump before after

        """)
    #expect(r.status == 0, "\(r.err) \(r.out)")
    #expect(r.out.contains("2 passed, 0 failed"), "\(r.out)")
  }

  @Test("JSON carries the same lines and both labels")
  func json() {
    let r = InProcess.run(
      Self.setup + """
        protect k 0xffff_0000_0000_2000 size 4k ro
        diff dump before el1

        """, json: true)
    #expect(r.status == 0, "\(r.err)")
    let diff = r.out.split(separator: "\n").first { $0.contains(#""type":"diff_dump""#) } ?? ""
    #expect(diff.contains(#""first":"snapshot before (el1)""#))
    #expect(diff.contains(#""second":"el1""#))
    #expect(
      diff.contains(
        #""lines":["-0xffff000000000000-0xffff000000003000          12K PTE       RW NX SHD AF            UXN    MEM/NORMAL","+0xffff000000000000-0xffff000000002000           8K PTE       RW NX SHD AF            UXN    MEM/NORMAL","+0xffff000000002000-0xffff000000003000           4K PTE       ro NX SHD AF            UXN    MEM/NORMAL"]"#
      ), "\(diff)")
  }

  @Test("Errors: a space's name, a format the snapshot does not hold, a missing 'as'")
  func errors() {
    let space = InProcess.run(Self.setup + "snapshot dump el1 as k\n")
    #expect(space.status == 2)
    #expect(space.err.contains("'k' is a space; a snapshot needs a name of its own"))
    let format = InProcess.run(Self.setup + "diff dump before el1 format kvm\n")
    #expect(format.status == 2)
    #expect(format.err.contains("snapshot 'before' holds format linux rows, not kvm"))
    let noAs = InProcess.run("snapshot dump el1 before\n")
    #expect(noAs.status == 2)
    #expect(noAs.err.contains("'as NAME'"), "\(noAs.err)")
  }
}

/// `snapshot` completes from the same tables as the parser: its words, spaces and regimes,
/// and the snapshot names a session holds after `diff dump`.
@Suite("Snapshot completion")
struct SnapshotCompletionTests {
  static let completer = REPLCompleter(
    snapshot: CompletionSnapshot(spaces: ["k"], dumpSnapshots: ["before"]))

  func complete(_ line: String) -> [String] {
    Self.completer.complete(line: line, cursor: line.utf8.count)
  }

  @Test("snapshot dump [TARGET] as NAME [format F]; diff dump offers the snapshots")
  func words() {
    #expect(complete("snap") == ["snapshot"])
    #expect(complete("snapshot ") == ["dump"])
    #expect(complete("snapshot dump ").contains("as"))
    #expect(complete("snapshot dump ").contains("k"))
    #expect(complete("snapshot dump el1 ") == ["as"])
    #expect(complete("snapshot dump el1 as x ") == ["format"])
    #expect(complete("snapshot dump el1 as x format ") == ["kvm", "linux"])  // sorted
    #expect(complete("diff dump ").contains("before"))
  }
}
