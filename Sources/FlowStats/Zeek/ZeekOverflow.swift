/// Out-of-line `UInt64` words for what a connection rarely needs: a span list holding two
/// or more ranges, a history of more than ``ZeekHistory/inlineCapacity`` letters, and a
/// few values that are usually zero (their owners' "spare words"). Allocated the first
/// time it is needed, and kept (for reuse) by the value that owns it.
///
/// The owners are value types, so the words are copied on write: an owner writes only
/// through ``writable(words:_:)``, which first makes the storage unique
/// (`isKnownUniquelyReferenced`), and reads through ``withWords(_:)``. Copying an owner
/// retains the storage; the per-packet work, which runs on the connection in place and
/// touches the storage only on the rare paths, does not.
///
/// `@unchecked Sendable`: the words are written only while the storage is uniquely
/// referenced (copy on write, as `Array` does), so no two owners ever share written words.
struct ZeekOverflow: @unchecked Sendable {
    private final class Words: ManagedBuffer<Void, UInt64> {}

    private var words: Words?

    init() {}

    /// Whether storage was allocated (for the tests and statistics).
    var isAllocated: Bool { words != nil }

    /// Runs `body` on the words for reading; only after a ``writable(words:_:)`` (the
    /// owner knows, from its own count).
    @inline(__always)
    func withWords<R>(_ body: (UnsafePointer<UInt64>) throws -> R) rethrows -> R {
        try words.unsafelyUnwrapped.withUnsafeMutablePointerToElements { try body(UnsafePointer($0)) }
    }

    /// Word `i`, or 0 when nothing was allocated yet (storage starts zeroed).
    @inline(__always)
    func word(_ i: Int) -> UInt64 {
        words == nil ? 0 : withWords { $0[i] }
    }

    /// Sets word `i` of storage `count` words long; allocates (or copies) only when the word
    /// does not hold `value` already, so keeping a value at 0 costs nothing.
    @inline(__always)
    mutating func setWord(_ i: Int, _ value: UInt64, words count: Int) {
        guard word(i) != value else { return }
        writable(words: count) { $0[i] = value }
    }

    /// Runs `body` on the words for writing, after making the storage unique and `count`
    /// words long: allocated (zeroed) when there is none, copied when shared.
    @inline(never)
    mutating func writable<R>(words count: Int, _ body: (UnsafeMutablePointer<UInt64>) -> R) -> R {
        if !isKnownUniquelyReferenced(&words) {
            // `create` returns an instance of the class it is called on.
            let fresh = unsafeDowncast(Words.create(minimumCapacity: count) { _ in () }, to: Words.self)
            fresh.withUnsafeMutablePointerToElements { target in
                if let old = words {
                    old.withUnsafeMutablePointerToElements { target.initialize(from: $0, count: count) }
                } else {
                    target.initialize(repeating: 0, count: count)
                }
            }
            words = fresh
        }
        return words.unsafelyUnwrapped.withUnsafeMutablePointerToElements(body)
    }
}
