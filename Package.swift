// swift-tools-version: 6.0
// mmush: an executable model of the AArch64 MMU with a small scripting language.
import PackageDescription

let package = Package(
  name: "mmush",
  products: [
    .library(name: "MMU", targets: ["MMU"]),
    .library(name: "MMUScript", targets: ["MMUScript"]),
    .executable(name: "mmush", targets: ["mmush"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // The machine: memory, registers, geometry, descriptors, walker, TLBs. No text, no I/O.
    .target(name: "MMU"),
    // Kernel cores: ELF64 cores and their notes (VMCOREINFO, PRSTATUS), the EL1 registers
    // they imply, and symbol tables. Reads files; no text.
    .target(name: "MMUCoreFile", dependencies: ["MMU"]),
    // The QEMU differential check: an A64 encoder, the bare-metal image, test vectors, the
    // QEMU runner, PAR comparison and the table of known QEMU departures.
    .target(name: "QEMUCheck", dependencies: ["MMU"]),
    // A live machine: the GDB remote serial protocol over TCP to QEMU's gdbstub, registers
    // by name from its target description, physical memory read on demand.
    .target(name: "MMULive", dependencies: ["MMU"]),
    // The .mmu language's syntax: tokens with source ranges, parser, AST, diagnostics. Its
    // words for instructions, barriers and regimes are MMU's own tables.
    .target(name: "MMUSyntax", dependencies: ["MMU"]),
    // The interpreter over the model: statements, builtins, modules, typed results.
    .target(
      name: "MMUScript", dependencies: ["MMU", "MMUCoreFile", "MMUSyntax", "MMULive", "CSupport"]),
    // A few C library calls Swift's Glibc module does not export (thread stack bounds).
    .target(name: "CSupport"),
    // Rendering of results (text, JSON, DOT) and the batch runner, shared by mmush and tests.
    .target(
      name: "MMUShell",
      dependencies: ["MMU", "MMUCoreFile", "MMUSyntax", "MMUScript", "QEMUCheck", "MMULive"]),
    .systemLibrary(
      name: "CReadline", path: "Sources/CReadline", providers: [.apt(["libreadline-dev"])]),
    .target(name: "LineEditor", dependencies: ["CReadline"]),
    .executableTarget(
      name: "mmush",
      dependencies: [
        "MMUShell", "LineEditor", "MMULive",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // libFuzzer's LLVMFuzzerRunDriver, declared for the fuzz harness (a header, no code).
    .target(name: "CFuzzerDriver"),
    // The fuzz targets (Fuzz/run.sh builds them with -sanitize=fuzzer); a plain build makes
    // a corpus replayer that the tests run over the seeds and every crash input kept.
    .executableTarget(
      name: "MMUFuzz",
      dependencies: ["MMU", "MMUCoreFile", "MMUSyntax", "MMUScript", "MMUShell", "CFuzzerDriver"]
    ),
    // Plain C versions of the benchmarked work (walks, TLB lookups), the bench's baselines.
    .target(name: "CBaselines", path: "Benchmarks/CBaselines"),
    .executableTarget(
      name: "mmush-bench",
      dependencies: ["MMU", "MMUSyntax", "MMUScript", "MMUShell", "CBaselines"],
      path: "Benchmarks/MMUBench"),
    // What the test targets share, written once: the package root and the built mmush, a
    // process runner with a time bound, QEMU with its monitor, loopback ports, temporary
    // folders, a seeded generator. Foundation only: no test framework, no module under test.
    .target(name: "MMUTestSupport", path: "Tests/MMUTestSupport"),
    .testTarget(name: "MMUTests", dependencies: ["MMU", "MMUTestSupport"]),
    .testTarget(
      name: "MMUCoreFileTests",
      dependencies: ["MMU", "MMUCoreFile", "MMUScript", "MMUShell", "MMUTestSupport"]),
    .testTarget(name: "QEMUCheckTests", dependencies: ["QEMUCheck", "MMU", "MMUTestSupport"]),
    .testTarget(name: "MMUSyntaxTests", dependencies: ["MMU", "MMUSyntax", "MMUTestSupport"]),
    .testTarget(
      name: "MMUScriptTests", dependencies: ["MMUScript", "MMUShell", "MMUTestSupport"]),
    // The live client against a fake stub, and mmush against QEMU running a bare-metal guest
    // and (when MMUSH_LINUX_DATA names one) a Debian kernel.
    .testTarget(
      name: "MMULiveTests", dependencies: ["MMULive", "MMU", "MMUTestSupport"], exclude: ["Guest"]),
    .testTarget(
      name: "MMUShellTests", dependencies: ["MMUShell", "MMUTestSupport"], exclude: ["Golden"]),
  ]
)
