/// Up to ``packetCapacity`` packets of one capture, copied out of the reader's buffer with
/// their headers and decoded: what the reading thread of a ``PacketPipeline`` hands to the
/// thread that keeps the flow table.
///
/// A batch belongs to one thread at a time. The reader fills it, then gives it up through
/// the pipeline's semaphore, which orders every write before the flow thread's reads; the
/// flow thread gives it back the same way. That hand-over is what makes the
/// `@unchecked Sendable` sound: no two threads ever use a batch at once.
final class PacketBatch: @unchecked Sendable {
    static let packetCapacity = 1024
    static let initialByteCapacity = 1 << 20

    /// Packets in the batch.
    private(set) var count = 0
    /// Set on a file's last batch (which may hold no packets): how reading ended.
    var end: ReadEnd?
    /// Bytes of the file read when the batch was handed over, for progress reports.
    var position: Int64 = 0

    /// `packetCapacity` headers and decoded packets, all initialised; those below `count`
    /// describe the batch's packets.
    let headers: UnsafeMutablePointer<PacketHeader>
    let packets: UnsafeMutablePointer<DecodedPacket>
    /// `packetCapacity + 1` offsets into `bytes`: packet `i` is `offsets[i]..<offsets[i + 1]`.
    private let offsets: UnsafeMutablePointer<Int>
    /// The packets' bytes, one after another; `used` of `byteCapacity` bytes are taken.
    private var bytes: UnsafeMutableRawPointer
    private var byteCapacity = PacketBatch.initialByteCapacity
    private var used = 0

    init() {
        let n = Self.packetCapacity
        headers = .allocate(capacity: n)
        headers.initialize(repeating: PacketHeader(timestampNs: 0, capturedLength: 0, wireLength: 0, linkType: .ethernet), count: n)
        packets = .allocate(capacity: n)
        packets.initialize(repeating: DecodedPacket(), count: n)
        offsets = .allocate(capacity: n + 1)
        offsets.initialize(repeating: 0, count: n + 1)
        bytes = .allocate(byteCount: byteCapacity, alignment: 16)
    }

    deinit {
        headers.deinitialize(count: Self.packetCapacity).deallocate()
        packets.deinitialize(count: Self.packetCapacity).deallocate()
        offsets.deinitialize(count: Self.packetCapacity + 1).deallocate()
        bytes.deallocate()
    }

    /// Empties the batch for refilling (its buffers and decoded packets are kept for reuse).
    func removeAll() {
        count = 0
        used = 0
        end = nil
        position = 0
    }

    /// Whether a packet of `length` bytes still fits. An empty batch takes any packet: it
    /// grows its byte buffer for one larger than the buffer.
    @inline(__always)
    func hasRoom(for length: Int) -> Bool {
        count == 0 || (count < Self.packetCapacity && length <= byteCapacity - used)
    }

    /// Copies a packet in (`hasRoom(for:)` must have said yes) and returns its index.
    @inline(__always)
    func append(_ header: PacketHeader, _ data: UnsafeRawBufferPointer) -> Int {
        precondition(hasRoom(for: data.count))
        if data.count > byteCapacity {  // only into an empty batch: nothing to keep
            bytes.deallocate()
            byteCapacity = data.count
            bytes = .allocate(byteCount: byteCapacity, alignment: 16)
        }
        // In bounds: count < packetCapacity (precondition), so index + 1 <= packetCapacity;
        // used + data.count <= byteCapacity (precondition, or the buffer just grew).
        let index = count
        headers[index] = header
        if let source = data.baseAddress, data.count > 0 {
            (bytes + used).copyMemory(from: source, byteCount: data.count)
        }
        used += data.count
        offsets[index + 1] = used  // offsets[index] is the previous packet's end (0 at first)
        count += 1
        return index
    }

    /// The bytes of packet `index` (< `count`), valid until the batch is emptied.
    @inline(__always)
    func bytes(at index: Int) -> UnsafeRawBufferPointer {
        // In bounds: index < count <= packetCapacity, and append kept offsets[0...count]
        // ascending within the buffer.
        UnsafeRawBufferPointer(start: bytes + offsets[index], count: offsets[index + 1] - offsets[index])
    }
}
