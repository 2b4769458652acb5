// Classic pcap written record by record to a file, for captures too big to hold in memory.

import Foundation

/// Writes a classic pcap file incrementally: the file header when created, then one record
/// per ``write(_:)``, through a fixed-size buffer. The bytes are exactly those
/// ``PcapWriter/classic(_:linkTypeField:nanosecond:bigEndian:snaplen:versionMajor:versionMinor:)``
/// would produce for the same records (little-endian, version 2.4).
///
/// Memory use is the buffer, whatever the number of records. Call ``close()`` at the end;
/// records still buffered are lost otherwise.
public final class PcapFileWriter {
    private let handle: FileHandle
    private let nanosecond: Bool
    private var buffer: [UInt8] = []
    private let bufferLimit: Int
    private var closed = false

    /// Records written so far.
    public private(set) var recordCount = 0
    /// Bytes written so far, file header included (buffered bytes count as written).
    public private(set) var byteCount = 0

    /// Creates (or truncates) the file at `path`, creating missing parent folders, and writes
    /// the pcap file header.
    ///
    /// - Parameters:
    ///   - linkTypeField: the 32-bit link-type field, written verbatim (1 = Ethernet).
    ///   - nanosecond: nanosecond timestamps (magic 0xA1B23C4D) instead of microseconds.
    ///   - bufferSize: bytes gathered before each write to the file.
    public init(path: String, linkTypeField: UInt32 = 1, nanosecond: Bool = false, snaplen: UInt32 = 262144,
                bufferSize: Int = 1 << 20) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        self.handle = handle
        self.nanosecond = nanosecond
        self.bufferLimit = max(bufferSize, 1 << 12)
        buffer.reserveCapacity(bufferLimit + 65_536 + 16)
        buffer.appendLE(nanosecond ? UInt32(0xA1B2_3C4D) : UInt32(0xA1B2_C3D4))
        buffer.appendLE(UInt16(2))
        buffer.appendLE(UInt16(4))
        buffer.appendLE(Int32(0))   // thiszone
        buffer.appendLE(UInt32(0))  // sigfigs
        buffer.appendLE(snaplen)
        buffer.appendLE(linkTypeField)
        byteCount = buffer.count
    }

    /// Appends one record (its `interface` is ignored), rounding the timestamp down to the
    /// file's resolution.
    public func write(_ record: PcapRecord) throws {
        precondition(!closed, "write after close")
        let (seconds, nanos) = PcapWriter.splitNanoseconds(record.timestampNs)
        let before = buffer.count
        buffer.appendLE(UInt32(truncatingIfNeeded: seconds))
        buffer.appendLE(UInt32(nanosecond ? nanos : nanos / 1000))
        buffer.appendLE(UInt32(truncatingIfNeeded: record.data.count))
        buffer.appendLE(UInt32(truncatingIfNeeded: record.wireLength))
        buffer += record.data
        byteCount += buffer.count - before
        recordCount += 1
        if buffer.count >= bufferLimit {
            try flush()
        }
    }

    /// Writes the buffered bytes to the file.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file. Further writes trap; closing twice does nothing.
    public func close() throws {
        guard !closed else { return }
        try flush()
        try handle.close()
        closed = true
    }
}
