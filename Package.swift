// swift-tools-version:6.0
// swiftjit: a JIT compiler for Python functions, written in Swift over LLVM 19.
//
// Header locations come from the environment (set by scripts/swift_env.sh and
// setup.py) or, when unset, from the `python3` on PATH.
import PackageDescription
import Foundation

let environment = ProcessInfo.processInfo.environment

/// Runs `python -c code` and returns its trimmed output ("" on failure).
func askPython(_ code: String) -> String {
    let python = environment["SWIFTJIT_PYTHON"] ?? "python3"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, "-c", code]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return "" }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

let pythonInclude = environment["SWIFTJIT_PYTHON_INCLUDE"]
    ?? askPython("import sysconfig; print(sysconfig.get_paths()['include'])")
let numpyInclude = environment["SWIFTJIT_NUMPY_INCLUDE"]
    ?? askPython("import numpy; print(numpy.get_include())")
let llvmPrefix = environment["SWIFTJIT_LLVM_PREFIX"] ?? "/usr/lib/llvm-19"

// Within one Swift target every C module (Glibc, CLLVM, CPython) must see the same
// feature macros, or clang's module checks find two different `fd_set`s. The
// extension imports Python.h, which defines pyconfig.h's macros, so that target
// passes them to every module it imports; the others use none.
let featureMacros = ["_GNU_SOURCE=1", "_POSIX_C_SOURCE=200809L", "_XOPEN_SOURCE=700", "_XOPEN_SOURCE_EXTENDED=1",
                     "_FILE_OFFSET_BITS=64", "_LARGEFILE_SOURCE=1"]
let featureFlags = featureMacros.flatMap { ["-Xcc", "-D\($0)"] }
let llvmFlags = ["-Xcc", "-I\(llvmPrefix)/include"]
var pythonFlags = ["-Xcc", "-I\(pythonInclude)"]
if !numpyInclude.isEmpty { pythonFlags += ["-Xcc", "-I\(numpyInclude)"] }
let optimize = ["-enforce-exclusivity=unchecked"]
let llvmLink: [LinkerSetting] = [
    .unsafeFlags(["-L\(llvmPrefix)/lib", "-Xlinker", "-rpath", "-Xlinker", "\(llvmPrefix)/lib"]),
]

let package = Package(
    name: "swiftjit",
    products: [
        .library(name: "SwiftJIT", targets: ["SwiftJIT"]),
        // The Python extension module; setup.py installs it as swiftjit/_swiftjit<EXT_SUFFIX>.
        .library(name: "_swiftjit", type: .dynamic, targets: ["SwiftJITModule"]),
    ],
    targets: [
        .systemLibrary(name: "CLLVM", path: "Sources/CLLVM"),
        .target(
            name: "CPython",
            path: "Sources/CPython",
            cSettings: [.unsafeFlags(["-I\(pythonInclude)", "-I\(numpyInclude)", "-fPIC"] + featureMacros.map { "-D\($0)" })]
        ),
        .target(
            name: "SwiftJIT",
            dependencies: ["CLLVM"],
            path: "Sources/SwiftJIT",
            swiftSettings: [.unsafeFlags(llvmFlags + optimize)],
            linkerSettings: llvmLink
        ),
        .target(
            name: "SwiftJITModule",
            dependencies: ["SwiftJIT", "CPython", "CLLVM"],
            path: "Sources/SwiftJITModule",
            swiftSettings: [.unsafeFlags(llvmFlags + featureFlags + pythonFlags + optimize + ["-static-stdlib"])],
            linkerSettings: llvmLink + [.unsafeFlags(["-static-stdlib", "-Xlinker", "--allow-shlib-undefined"])]
        ),
        .testTarget(
            name: "SwiftJITTests",
            dependencies: ["SwiftJIT"],
            path: "Tests/SwiftJITTests",
            exclude: ["Fixtures"],
            swiftSettings: [.unsafeFlags(llvmFlags)],
            linkerSettings: llvmLink
        ),
    ],
    swiftLanguageModes: [.v5]
)
