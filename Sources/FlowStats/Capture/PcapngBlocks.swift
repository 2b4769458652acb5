#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Low-level pieces of the pcapng reader: a file read through one reusable buffer, and
// byte-order-aware loads from a block. See PcapngReader.swift for the format itself.

/// A file read front to back through one reusable buffer.
///
/// The buffer starts at `initialCapacity` and grows only when a single request (one
/// block) does not fit, so memory stays at max(initial, largest block). Bytes handed out
/// by ``window`` stay valid until the next ``fill(_:)`` or ``consume(_:)``.
final class PcapngFile {
    enum Fill {
        /// At least the requested number of bytes are buffered.
        case ready
        /// The file ended with only this many bytes buffered (fewer than requested).
        case endOfFile(available: Int)
        /// read() failed with this errno.
        case readError(Int32)
    }

    static let initialCapacity = 256 * 1024

    private let fd: Int32
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    /// Buffered, unconsumed bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    private var atEndOfFile = false
    /// File offset of `buffer[start]`.
    private(set) var offset: Int64 = 0

    /// Opens `path` for reading. Errors carry a one-line reason.
    init(path: String) throws(CaptureError) {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw CaptureError(.missing, "no such file")
            }
            throw CaptureError(.unreadable, "cannot open: \(String(cString: strerror(code)))")
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw CaptureError(.unreadable, "is a directory")
        }
        self.fd = fd
        self.capacity = Self.initialCapacity
        self.buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        buffer.deallocate()
        close(fd)
    }

    /// Number of buffered, unconsumed bytes.
    var available: Int { end - start }

    /// The first `count` unconsumed bytes; `count` must not exceed ``available``.
    func window(_ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: buffer + start, count: count)
    }

    /// Makes at least `count` bytes available, reading (and growing the buffer) as needed.
    func fill(_ count: Int) -> Fill {
        if end - start >= count { return .ready }
        if count > capacity {
            // Grow to fit this block (rounded up to 64 KiB), keeping the unconsumed bytes.
            let newCapacity = (count + 0xFFFF) & ~0xFFFF
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            bigger.copyMemory(from: buffer + start, byteCount: end - start)
            buffer.deallocate()
            buffer = bigger
            capacity = newCapacity
            end -= start
            start = 0
        } else if start + count > capacity {
            // Slide the unconsumed bytes to the front to make room behind them.
            if end > start {
                memmove(buffer, buffer + start, end - start)
            }
            end -= start
            start = 0
        }
        while end - start < count {
            if atEndOfFile { return .endOfFile(available: end - start) }
            let n = read(fd, buffer + end, capacity - end)
            if n > 0 {
                end += n
            } else if n == 0 {
                atEndOfFile = true
            } else {
                let code = errno
                if code == EINTR { continue }
                return .readError(code)
            }
        }
        return .ready
    }

    /// Drops `count` bytes (at most ``available``) from the front.
    func consume(_ count: Int) {
        start += count
        offset += Int64(count)
        if start == end {
            start = 0
            end = 0
        }
    }
}

/// Loads integers from a block in the byte order of its section.
struct PcapngBytes {
    let base: UnsafeRawPointer
    let bigEndian: Bool

    @inline(__always)
    func u16(_ at: Int) -> UInt16 {
        let raw = base.loadUnaligned(fromByteOffset: at, as: UInt16.self)
        return bigEndian ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw)
    }

    @inline(__always)
    func u32(_ at: Int) -> UInt32 {
        let raw = base.loadUnaligned(fromByteOffset: at, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
    }

    @inline(__always)
    func u64(_ at: Int) -> UInt64 {
        let raw = base.loadUnaligned(fromByteOffset: at, as: UInt64.self)
        return bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw)
    }
}

/// How one interface's timestamps convert to nanoseconds since the epoch.
struct PcapngClock: Equatable {
    /// Timestamp units per second (`if_tsresol`; 10^6 when absent).
    let unitsPerSecond: UInt64
    /// `if_tsoffset`, seconds added to every timestamp.
    let offsetSeconds: Int64
    /// When `unitsPerSecond` divides 10^9: nanoseconds per unit, else 0.
    private let nanosecondsPerUnit: UInt64

    init(unitsPerSecond: UInt64, offsetSeconds: Int64) {
        self.unitsPerSecond = unitsPerSecond
        self.offsetSeconds = offsetSeconds
        self.nanosecondsPerUnit = 1_000_000_000 % unitsPerSecond == 0 ? 1_000_000_000 / unitsPerSecond : 0
    }

    /// Units per second for an `if_tsresol` byte, or nil when it does not fit 64 bits
    /// (10^-20 and finer, 2^-64 and finer), which libpcap rejects too.
    static func unitsPerSecond(tsresol: UInt8) -> UInt64? {
        let exponent = Int(tsresol & 0x7F)
        if tsresol & 0x80 != 0 {
            return exponent <= 63 ? UInt64(1) << UInt64(exponent) : nil
        }
        guard exponent <= 19 else { return nil }
        var units: UInt64 = 1
        for _ in 0..<exponent { units *= 10 }
        return units
    }

    /// Nanoseconds since the epoch for a raw 64-bit timestamp.
    ///
    /// The fraction of a second is truncated (as libpcap does). Seconds beyond the Int64
    /// nanosecond range wrap around (two's complement) exactly like the libpcap backend's
    /// `tv_sec &* 1e9 &+ tv_nsec`, so both backends agree and differences between
    /// nearby packets stay right even for absurd dates.
    @inline(__always)
    func nanoseconds(_ ticks: UInt64) -> Int64 {
        let seconds = ticks / unitsPerSecond
        let fraction = ticks % unitsPerSecond
        let fractionNs: UInt64
        if nanosecondsPerUnit != 0 {
            fractionNs = fraction &* nanosecondsPerUnit  // < 10^9, cannot overflow
        } else {
            // fraction < unitsPerSecond, so the quotient is below 10^9 and fits.
            fractionNs = unitsPerSecond.dividingFullWidth(fraction.multipliedFullWidth(by: 1_000_000_000)).quotient
        }
        let totalSeconds = Int64(bitPattern: seconds) &+ offsetSeconds
        return totalSeconds &* 1_000_000_000 &+ Int64(bitPattern: fractionNs)
    }
}
