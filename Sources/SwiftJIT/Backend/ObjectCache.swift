#if canImport(Glibc)
import Glibc
#endif

/// A stable 64-bit FNV-1a hash (Swift's own hashing is seeded per process).
public struct StableHasher {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    public init() {}
    public mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes {
            value ^= UInt64(b)
            value = value &* 0x100_0000_01b3
        }
    }
    public mutating func combine(_ s: String) {
        var s = s
        s.withUTF8 { combine(UnsafeRawBufferPointer($0)) }
        combine([0xFF])
    }
    public mutating func combine(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { combine($0) }
    }
    public mutating func combine(_ i: Int) { combine(String(i)) }
}

/// What a cache entry holds besides the object code.
public struct CacheEntryInfo: Hashable, Sendable {
    public var nativeName: String
    public var wrapperName: String
    public var returnType: String
    /// The direct entry (`DirectEntry`) of a function that cannot raise: callers compiled
    /// later name it, so it must be the same whether the callee was compiled or loaded.
    public var direct: DirectEntry? = nil

    /// The direct entry as one header line ("" when there is none).
    var directLine: String {
        guard let d = direct else { return "" }
        return [d.symbol, d.mayOverflow ? "1" : "0", d.garbageSafe ? "1" : "0"].joined(separator: "\t")
    }

    static func direct(fromLine line: String) -> DirectEntry? {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 3, !f[0].isEmpty else { return nil }
        return DirectEntry(symbol: f[0], mayOverflow: f[1] == "1", garbageSafe: f[2] == "1")
    }
}

/// The on-disk cache of compiled specializations: one file per (function, key),
/// written atomically (temporary file in the same folder, fsync, rename) and
/// checked on load (magic, format version, key, sizes and checksum). A bad or
/// stale file is reported and never loaded.
public struct ObjectCache: Hashable, Sendable {
    public enum Lookup {
        case hit(CacheEntryInfo, [UInt8])
        case miss
        /// The file exists but cannot be used; the text says why.
        case invalid(String)
    }

    static let magic: [UInt8] = Array("SWIFTJIT-OBJ\n".utf8)
    static let formatVersion: UInt32 = 1

    public let directory: String
    /// File name prefix identifying the function (`module.qualname`).
    public let prefix: String

    public init(directory: String, prefix: String) {
        self.directory = directory
        self.prefix = prefix.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" ? String($0) : "_" }.joined()
    }

    public func path(forKey key: String) -> String { "\(directory)/\(prefix).\(key).swiftjit" }

    public func load(key: String) -> Lookup {
        let p = path(forKey: key)
        guard let bytes = ObjectCache.readFile(p) else { return .miss }
        var r = Reader(bytes: bytes)
        guard r.take(ObjectCache.magic.count) == ObjectCache.magic else { return .invalid("\(p) is not a swiftjit cache file") }
        guard let version = r.u32(), version == ObjectCache.formatVersion else {
            return .invalid("\(p) was written by another version of swiftjit")
        }
        guard let storedKey = r.string(), storedKey == key else { return .invalid("\(p) holds another key") }
        guard let infoText = r.string(), let objectLength = r.u64(), let checksum = r.u64() else {
            return .invalid("\(p) is truncated")
        }
        guard r.remaining == Int(objectLength), let object = r.take(Int(objectLength)) else {
            return .invalid("\(p) is truncated or has trailing data")
        }
        var h = StableHasher()
        h.combine(infoText)
        h.combine(object)
        guard h.value == checksum else { return .invalid("\(p) is corrupt (checksum mismatch)") }
        let parts = infoText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3 else { return .invalid("\(p) has a malformed header") }
        var info = CacheEntryInfo(nativeName: parts[0], wrapperName: parts[1], returnType: parts[2])
        if parts.count >= 4 { info.direct = CacheEntryInfo.direct(fromLine: parts[3]) }
        return .hit(info, object)
    }

    /// Writes an entry atomically; throws a message on failure (the caller warns).
    public func store(key: String, info: CacheEntryInfo, object: UnsafeRawBufferPointer) throws {
        var out: [UInt8] = ObjectCache.magic
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func string(_ s: String) { let u = Array(s.utf8); u32(UInt32(u.count)); out.append(contentsOf: u) }
        let infoText = [info.nativeName, info.wrapperName, info.returnType, info.directLine].joined(separator: "\n")
        var h = StableHasher()
        h.combine(infoText)
        h.combine(object)
        u32(ObjectCache.formatVersion)
        string(key)
        string(infoText)
        u64(UInt64(object.count))
        u64(h.value)
        out.append(contentsOf: object)
        try ObjectCache.writeAtomically(out, to: path(forKey: key), directory: directory)
    }

    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { break }
            result.append(contentsOf: buffer[0..<n])
        }
        return result
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String, directory: String) throws {
        _ = mkdir(directory, 0o755)
        var template = Array("\(path).tmp.XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw WriteError(description: "cannot create a file in \(directory): \(String(cString: strerror(errno)))")
        }
        let tmp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var ok = true
        var written = 0
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n <= 0 { ok = false; break }
                written += n
            }
        }
        let error = String(cString: strerror(errno))
        if ok && fsync(fd) != 0 { ok = false }
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw WriteError(description: "cannot write \(path): \(error)")
        }
    }

    /// A bounds-checked little-endian reader.
    struct Reader {
        let bytes: [UInt8]
        var index = 0
        var remaining: Int { bytes.count - index }
        mutating func take(_ n: Int) -> [UInt8]? {
            guard n >= 0, n <= remaining else { return nil }
            defer { index += n }
            return Array(bytes[index..<index + n])
        }
        mutating func u32() -> UInt32? {
            guard let b = take(4) else { return nil }
            return b.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        }
        mutating func u64() -> UInt64? {
            guard let b = take(8) else { return nil }
            return b.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        }
        mutating func string() -> String? {
            guard let n = u32(), Int(n) <= remaining, let b = take(Int(n)) else { return nil }
            return String(decoding: b, as: UTF8.self)
        }
    }
}
