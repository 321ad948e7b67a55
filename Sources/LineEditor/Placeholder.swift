// LineEditor: GNU readline wrapper (see the REPL issue).
