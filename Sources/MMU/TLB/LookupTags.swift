/// The tags and address an access looks the TLB up with.
struct LookupTags {
  var stage: TLBEntryStage
  var vmid: UInt64?
  var asid: UInt64
  /// The input address as entries are keyed: with TBI in force, the top byte is replaced by a
  /// copy of bit 55 so tagged pointers share entries.
  var key: UInt64
  /// The tags but size that entries are hashed and numbered by (`TLBLeafStore.group`).
  var group: UInt64
  /// TBI applies: `key` is the address with its top byte replaced.
  var topByteIgnored = false
}
