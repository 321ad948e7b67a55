import MMU
import MMUScript

/// The words of what a walk, view or table check read (ViewTarget) and of a `diff dump`
/// side: the regime word, `space NAME`, `snapshot NAME (TARGET)`. Used by the text renderer,
/// the JSON renderer (docs/json.md: `regime`, `target`, `first`, `second`) and AssertionText
/// alike.
public enum ViewTargetText {
  /// `el1`, `space k`.
  public static func text(_ t: ViewTarget) -> String {
    switch t {
    case .regime(let r): r.word
    case .space(let name): "space " + name
    }
  }

  /// `el1`, `space k`, or `snapshot before (space k)`.
  public static func text(_ side: DumpDiffSide) -> String {
    switch side {
    case .tables(let t): text(t)
    case .snapshot(let name, let t): "snapshot \(name) (\(text(t)))"
    }
  }
}
