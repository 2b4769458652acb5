/// A growable array stored in fixed-size chunks of ``chunkSize`` elements, allocated one at a
/// time as it grows. An `Array` doubles its buffer when full: at a million flows that is one
/// allocation of twice the table and a copy of every element, so the peak is three times
/// the data. Here growing costs one chunk, and no element ever moves (pointers into a chunk
/// stay valid while the element lives).
///
/// Value semantics by copy-on-write, like `Array`: a mutation first checks that the storage
/// is not shared (one load and compare, as `Array` does). The flow table never copies it.
struct ChunkedArray<Element> {
    /// Elements per chunk (a power of two).
    static var chunkShift: Int { 12 }
    static var chunkSize: Int { 1 << chunkShift }

    private final class Storage {
        var chunks: [UnsafeMutablePointer<Element>] = []
        var count = 0

        deinit {
            removeAll()
        }

        func append(_ element: consuming Element) {
            let chunk = count >> ChunkedArray.chunkShift
            if chunk == chunks.count {
                chunks.append(.allocate(capacity: ChunkedArray.chunkSize))
            }
            (chunks[chunk] + (count & (ChunkedArray.chunkSize - 1))).initialize(to: element)
            count += 1
        }

        func removeAll() {
            var left = count
            for chunk in chunks {
                chunk.deinitialize(count: min(left, ChunkedArray.chunkSize))
                left -= ChunkedArray.chunkSize
                chunk.deallocate()
            }
            chunks = []
            count = 0
        }

        func copy() -> Storage {
            let copy = Storage()
            for i in 0..<count { copy.append(self[i].pointee) }
            return copy
        }

        @inline(__always)
        subscript(i: Int) -> UnsafeMutablePointer<Element> {
            chunks[i >> ChunkedArray.chunkShift] + (i & (ChunkedArray.chunkSize - 1))
        }
    }

    private var storage = Storage()

    init() {}

    var count: Int { storage.count }
    var isEmpty: Bool { storage.count == 0 }
    /// Chunks allocated (each ``chunkSize`` elements).
    var chunkCount: Int { storage.chunks.count }

    subscript(i: Int) -> Element {
        @inline(__always)
        unsafeAddress {
            precondition(i >= 0 && i < storage.count, "ChunkedArray index out of range")
            return UnsafePointer(storage[i])
        }
        @inline(__always)
        unsafeMutableAddress {
            precondition(i >= 0 && i < storage.count, "ChunkedArray index out of range")
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            return storage[i]
        }
    }

    mutating func append(_ element: consuming Element) {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        storage.append(element)
    }

    /// Removes every element and frees every chunk.
    mutating func removeAll() {
        if isKnownUniquelyReferenced(&storage) { storage.removeAll() } else { storage = Storage() }
    }
}
