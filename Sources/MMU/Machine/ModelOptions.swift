/// Switches of the model itself (not of the architecture): policies the architecture leaves
/// open, and checks that help users.
public struct ModelOptions: Sendable, Equatable {
  /// Also cache translations the tables allowed that no access asked for (speculation):
  /// `Machine.speculateTranslations` fills them.
  public var tlbSpeculative = false
  /// Warn when a walk follows a TLBI that no DSB completed.
  public var strictBarriers = false
  /// Warn when a live descriptor is changed without break-before-make.
  public var bbmCheck = true
  public init() {}
}
