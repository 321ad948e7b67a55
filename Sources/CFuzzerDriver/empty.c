// CFuzzerDriver is a header: SwiftPM wants one source file per C target.
