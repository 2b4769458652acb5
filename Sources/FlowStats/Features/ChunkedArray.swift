/// A growable array stored in fixed-size chunks of ``chunkSize`` elements, allocated one at a
/// time as it grows. An `Array` doubles its buffer when full: at a million flows that is one
/// allocation of twice the table and a copy of every element, so the peak is three times
/// the data. Here growing costs one chunk, and no element ever moves.
///
/// Value semantics by copy-on-write, like `Array`: a mutation first checks that the storage
/// is not shared (the flow table never copies it). The chunk list and the count are stored in
/// the struct itself, so reaching an element is two loads with no dynamic exclusivity check
/// (a class's stored properties would need one per access); the owner object only mirrors
/// them, updated when they change (append, removeAll), to free the chunks with the last copy.
struct ChunkedArray<Element> {
    /// Elements per chunk (a power of two).
    static var chunkShift: Int { 12 }
    static var chunkSize: Int { 1 << chunkShift }

    private final class Owner {
        var chunks: [UnsafeMutablePointer<Element>] = []
        var count = 0

        deinit {
            var left = count
            for chunk in chunks {
                chunk.deinitialize(count: min(left, ChunkedArray.chunkSize))
                left -= ChunkedArray.chunkSize
                chunk.deallocate()
            }
        }
    }

    private var chunks: [UnsafeMutablePointer<Element>] = []
    private(set) var count = 0
    private var owner = Owner()

    init() {}

    var isEmpty: Bool { count == 0 }
    /// Chunks allocated (each ``chunkSize`` elements).
    var chunkCount: Int { chunks.count }

    @inline(__always)
    private func address(_ i: Int) -> UnsafeMutablePointer<Element> {
        precondition(i >= 0 && i < count, "ChunkedArray index out of range")
        return chunks[i >> Self.chunkShift] + (i & (Self.chunkSize - 1))
    }

    subscript(i: Int) -> Element {
        @inline(__always)
        unsafeAddress { UnsafePointer(address(i)) }
        @inline(__always)
        unsafeMutableAddress {
            if !isKnownUniquelyReferenced(&owner) { copyStorage() }
            return address(i)
        }
    }

    /// Element `i`, mutated in place without the copy-on-write check: for an owner that never
    /// copies the array (a feature table's states, updated on every packet; the check is a call
    /// into the runtime). Debug builds (the tests) still check that the storage is not shared.
    @inline(__always)
    mutating func unsharedAddress(_ i: Int) -> UnsafeMutablePointer<Element> {
        assert(isKnownUniquelyReferenced(&owner), "a shared ChunkedArray mutated in place")
        return address(i)
    }

    mutating func append(_ element: consuming Element) {
        if !isKnownUniquelyReferenced(&owner) { copyStorage() }
        if count == chunks.count << Self.chunkShift {
            let chunk = UnsafeMutablePointer<Element>.allocate(capacity: Self.chunkSize)
            chunks.append(chunk)
            owner.chunks = chunks
        }
        (chunks[count >> Self.chunkShift] + (count & (Self.chunkSize - 1))).initialize(to: element)
        count += 1
        owner.count = count
    }

    /// Removes every element and frees every chunk (of this copy).
    mutating func removeAll() {
        chunks = []
        count = 0
        owner = Owner()
    }

    /// Gives this copy storage of its own (copy-on-write).
    private mutating func copyStorage() {
        var copy = ChunkedArray()
        for i in 0..<count { copy.append(address(i).pointee) }
        self = copy
    }
}
