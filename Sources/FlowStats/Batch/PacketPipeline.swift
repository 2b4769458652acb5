import Dispatch
import Foundation

/// Reads one capture on two threads: a new thread reads and decodes packets into
/// ``PacketBatch``es, and the calling thread takes them in file order (for the flow table).
///
/// The batches go round a fixed ring of ``ringSize``: the reader waits for a free one when all
/// are full, so memory stays bounded however far ahead the reader could get. Two semaphores
/// pass batches back and forth; everything else about the capture (filter, pcapng fallback,
/// how reading ended) stays in ``CaptureReader``, which only the reading thread uses.
enum PacketPipeline {
    static let ringSize = 4

    /// Reads `reader` to its end on a new thread, decoding each packet with `options`,
    /// and calls `consume` on the calling thread with each batch in order (the last one,
    /// possibly empty, has `end` set). With `positions`, each batch also tells how far into
    /// the file the reader was (for progress reports; it costs a system call a batch).
    /// Returns how reading ended. `reader` must not be used by the caller until this returns.
    static func read(_ reader: CaptureReader, options: DecodeOptions, positions: Bool,
                     consume: (PacketBatch) -> Void) -> ReadEnd {
        let ring = Ring()
        let producer = Producer(reader: reader, ring: ring, options: options, positions: positions)
        Thread.detachNewThread { producer.run() }
        var index = 0
        while true {
            let batch = ring.filled(index)
            consume(batch)
            let end = batch.end
            ring.giveBack()
            if let end { return end }
            index += 1
        }
    }

    /// The batches and the two semaphores that pass them between the threads. Batch `i`
    /// (counting from the start of the file) is `batches[i % ringSize]`: the reader fills them
    /// in that order and the flow thread takes them in the same order.
    private final class Ring: Sendable {
        let batches = (0..<PacketPipeline.ringSize).map { _ in PacketBatch() }
        /// Signalled when the flow thread gives a batch back: the reader may refill it.
        let free = DispatchSemaphore(value: PacketPipeline.ringSize)
        /// Signalled when the reader hands a batch over.
        let full = DispatchSemaphore(value: 0)

        /// Reader: waits for batch `index` to be free, empty.
        func empty(_ index: Int) -> PacketBatch {
            free.wait()
            let batch = batches[index % PacketPipeline.ringSize]
            batch.removeAll()
            return batch
        }

        /// Reader: hands a filled batch over.
        func handOver() {
            full.signal()
        }

        /// Flow thread: waits for batch `index` to be filled.
        func filled(_ index: Int) -> PacketBatch {
            full.wait()
            return batches[index % PacketPipeline.ringSize]
        }

        /// Flow thread: gives a batch back for refilling.
        func giveBack() {
            free.signal()
        }
    }

    /// The reading thread's work.
    ///
    /// `@unchecked Sendable`: it carries the ``CaptureReader`` (not Sendable) to the reading
    /// thread. Once that thread starts, only it uses the reader; the caller of
    /// ``PacketPipeline/read(_:options:positions:consume:)`` touches it again only after the last
    /// batch, which the reader hands over after its last use.
    private final class Producer: @unchecked Sendable {
        let reader: CaptureReader
        let ring: Ring
        let options: DecodeOptions
        let positions: Bool

        init(reader: CaptureReader, ring: Ring, options: DecodeOptions, positions: Bool) {
            self.reader = reader
            self.ring = ring
            self.options = options
            self.positions = positions
        }

        func run() {
            var index = 0
            var batch = ring.empty(index)
            var position: Int64 = 0
            let end = reader.forEachPacket { header, bytes in
                if !batch.hasRoom(for: bytes.count) {
                    if positions { position = reader.position }
                    batch.position = position
                    ring.handOver()
                    index += 1
                    batch = ring.empty(index)
                }
                let i = batch.append(header, bytes)
                // In bounds: `append` returned an index below packetCapacity.
                PacketDecoder.decode(batch.bytes(at: i), linkType: header.linkType, options: options,
                                     into: &batch.packets[i])
            }
            batch.position = position  // the reader has closed the file: its last known position
            batch.end = end
            ring.handOver()
        }
    }
}
