// CPrefetch is an inline function in a header: SwiftPM wants one source file per C target.
