/// The tags and address an access looks the TLB up with.
struct LookupTags {
  var stage: TLBEntryStage
  var vmid: UInt64?
  var asid: UInt64
  /// The input address as entries are keyed: with TBI in force, the top byte is replaced by a
  /// copy of bit 55 so tagged pointers share entries.
  var key: UInt64
}
