/// Reads RFC 4180 CSV (what flowcsv writes: quoted fields with `""` for a quote, CRLF or LF
/// line ends) from chunks of bytes, handing over one row at a time. Only the row being read is
/// kept, so memory does not grow with the input.
public struct CSVRowReader {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
    private var state = State.fieldStart
    /// The current row's fields, unquoted, one after the other; `ends[i]` is where field i ends.
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    /// Rows handed over so far (the header is row 1).
    public private(set) var rows = 0
    /// A carriage return was the last byte seen outside quotes (a CRLF may be split over chunks).
    private var pendingCR = false

    public init() {
        bytes.reserveCapacity(4096)
        ends.reserveCapacity(128)
    }

    /// Reads `chunk`, calling `onRow` for every row it completes.
    public mutating func feed<E: Error>(_ chunk: UnsafeRawBufferPointer, onRow: (CSVRow) throws(E) -> Void) throws(E) {
        for byte in chunk {
            switch state {
            case .fieldStart, .unquoted:
                if byte == UInt8(ascii: ",") {
                    ends.append(bytes.count)
                    state = .fieldStart
                } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    if byte == UInt8(ascii: "\n") && pendingCR && state == .fieldStart && ends.isEmpty && bytes.isEmpty {
                        pendingCR = false  // the LF of a CRLF
                        continue
                    }
                    try endRow(onRow)
                    pendingCR = byte == UInt8(ascii: "\r")
                    continue
                } else if byte == UInt8(ascii: "\"") && state == .fieldStart {
                    state = .quoted
                } else {
                    bytes.append(byte)
                    state = .unquoted
                }
            case .quoted:
                if byte == UInt8(ascii: "\"") { state = .quoteInQuoted } else { bytes.append(byte) }
            case .quoteInQuoted:
                if byte == UInt8(ascii: "\"") {
                    bytes.append(byte)
                    state = .quoted
                } else if byte == UInt8(ascii: ",") {
                    ends.append(bytes.count)
                    state = .fieldStart
                } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    try endRow(onRow)
                    pendingCR = byte == UInt8(ascii: "\r")
                    continue
                } else {
                    bytes.append(byte)  // text after a closing quote: kept, leniently
                    state = .unquoted
                }
            }
            pendingCR = false
        }
    }

    /// Ends the input: hands over a last row without a line end. Returns false when the input
    /// ended inside a quoted field (the row is dropped).
    public mutating func finish<E: Error>(onRow: (CSVRow) throws(E) -> Void) throws(E) -> Bool {
        if state == .quoted {
            reset()
            return false
        }
        if state != .fieldStart || !ends.isEmpty || !bytes.isEmpty { try endRow(onRow) }
        return true
    }

    private mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        state = .fieldStart
    }

    private mutating func endRow<E: Error>(_ onRow: (CSVRow) throws(E) -> Void) throws(E) {
        // A blank line is no row.
        if ends.isEmpty && bytes.isEmpty && state == .fieldStart { return }
        ends.append(bytes.count)
        rows += 1
        defer { reset() }
        try bytes.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(E) in
            try ends.withUnsafeBufferPointer { (e: UnsafeBufferPointer<Int>) throws(E) in
                try onRow(CSVRow(bytes: b, ends: e))
            }
        }
    }
}

/// One row of ``CSVRowReader``: valid only during the call that receives it.
public struct CSVRow {
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>

    public var count: Int { ends.count }

    /// The bytes of field `index` (unquoted).
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
    }

    public func string(_ index: Int) -> String { String(decoding: self[index], as: UTF8.self) }

    public var strings: [String] { (0..<count).map(string) }

    /// Field `index` as a decimal number (digits, optional sign, fraction, exponent); nil when
    /// it is empty or not a number.
    public func double(_ index: Int) -> Double? {
        let field = self[index]
        if field.isEmpty { return nil }
        // Fast path: an unsigned integer, or one with a fraction (what flowcsv writes).
        var integer: UInt64 = 0
        var digits = 0
        var i = 0
        while i < field.count, field[i] &- 48 < 10, digits < 18 {
            integer = integer &* 10 &+ UInt64(field[i] &- 48)
            digits += 1
            i += 1
        }
        if i == field.count && digits > 0 { return Double(integer) }
        if i < field.count, field[i] == UInt8(ascii: "."), digits > 0 {
            var fraction: UInt64 = 0
            var scale = 1.0
            var j = i + 1
            while j < field.count, field[j] &- 48 < 10, j - i <= 15 {
                fraction = fraction &* 10 &+ UInt64(field[j] &- 48)
                scale *= 10
                j += 1
            }
            if j == field.count && j > i + 1 { return Double(integer) + Double(fraction) / scale }
        }
        return Double(string(index))
    }
}
