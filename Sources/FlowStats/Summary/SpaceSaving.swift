/// The heaviest keys of a weighted stream in bounded memory: Space-Saving (Metwally, Agrawal,
/// El Abbadi 2005), weighted. It keeps `capacity` counters; a key not held replaces the one with
/// the smallest count and inherits that count as its error.
///
/// Bound: with W the total weight seen, each count is at most W / capacity above the key's
/// true weight (and never below it), and every key weighing more than W / capacity is held.
/// While at most `capacity` distinct keys were seen, every count is exact.
struct SpaceSaving {
    let capacity: Int
    private var index: [String: Int] = [:]
    private(set) var keys: [String] = []
    private(set) var counts: [Double] = []
    /// How much of each count may belong to keys it replaced.
    private(set) var errors: [Double] = []
    private(set) var total = 0.0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var isExact: Bool { errors.allSatisfy { $0 == 0 } }

    mutating func add(_ key: String, weight: Double) {
        total += weight
        if let i = index[key] {
            counts[i] += weight
            return
        }
        if keys.count < capacity {
            index[key] = keys.count
            keys.append(key)
            counts.append(weight)
            errors.append(0)
            return
        }
        // Replace the smallest count (ties: the first such counter, so the result is deterministic).
        var smallest = 0
        for i in 1..<counts.count where counts[i] < counts[smallest] { smallest = i }
        index.removeValue(forKey: keys[smallest])
        index[key] = smallest
        keys[smallest] = key
        errors[smallest] = counts[smallest]
        counts[smallest] += weight
    }

    /// The `n` heaviest keys, heaviest first (ties by key), with their counts and errors.
    func top(_ n: Int) -> [(key: String, count: Double, error: Double)] {
        let order = keys.indices.sorted {
            counts[$0] != counts[$1] ? counts[$0] > counts[$1] : keys[$0] < keys[$1]
        }
        return order.prefix(n).map { (keys[$0], counts[$0], errors[$0]) }
    }
}
