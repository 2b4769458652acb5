// Rows written through RowBuffer: the fields of bounded size check for no room of their own
// (RowWriter makes it once per row, and every field of unbounded size keeps it), so a row
// of long text between numbers must come out whole however small the buffer starts.
// Expected rows are written out by hand from the values the test columns write.

@testable import FlowStats
import FlowStatsTestSupport
import Testing

@Suite struct RowBufferTests {
    /// Columns that write the widest value of each bounded kind around long user text.
    private static let longText = String(repeating: "x", count: 5000)
    private static let columns: [Column] = [
        Column("A", "int") { _, _, o in o.int(Int.min) },
        Column("B", "text") { _, _, o in o.userText(longText) },
        Column("C", "double") { _, _, o in o.double(-8_999_999_999_999.5) },
        Column("D", "seconds") { _, _, o in o.seconds(Int64.min + 1) },
        Column("E", "address") { _, _, o in o.address(IPAddress(high: .max, low: .max)) },
        Column("F", "flow id") { _, _, o in o.flowID(UInt64.max) },
        Column("G", "empty") { _, _, o in o.empty() },
        Column("H", "quoted text") { _, _, o in o.text("a,\"b\"") },
        Column("I", "int after text") { _, _, o in o.int(7) },
    ]

    @Test func boundedFieldsAfterLongTextInATinyBuffer() throws {
        let flows = try RowWritingTests.flows()
        let layout = OutputLayout(schema: .basic, columns: Self.columns)
        let out = CSVBuffer(capacity: 256)  // far less than one row
        layout.writeRows(flows, file: RowWritingTests.file, to: out)
        #expect(out.rowReserve == 0)  // only while rows are written
        // By hand: Int.min; the text; −8999999999999.5 → 6 decimals with trailing zeros cut;
        // (Int64.min + 1) ns = −9223372036.854775807 s (9 decimals: sub-µs digits);
        // the all-ones IPv6 address in RFC 5952 text;
        // UInt64.max in base 62 after `C` (Python: repeated divmod by 62); an empty field;
        // RFC 4180 quoting; 7.
        let uid = "CLygHa16AHYF"
        let row = "-9223372036854775808," + Self.longText + ",-8999999999999.5,-9223372036.854775807,"
            + "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff," + uid + ",,\"a,\"\"b\"\"\",7\n"
        let expected = String(repeating: row, count: flows.count)
        #expect(String(decoding: out.bytes, as: UTF8.self) == expected)
    }

    /// The room made for a row covers every column at its widest.
    @Test func rowRoomCoversEveryColumn() {
        let writer = RowWriter(Self.columns)
        #expect(writer.rowBytes == Self.columns.count * CSVBuffer.boundedFieldBytes + 1)
        #expect(IPAddress.maxTextLength + 1 <= CSVBuffer.boundedFieldBytes)
        #expect(FlowUID.maxTextLength + 1 <= CSVBuffer.boundedFieldBytes)
    }

    /// The eight-bytes-at-a-time test for quoting: each special byte at every position of
    /// strings of 1 to 24 bytes, and clean strings of every length (expected by RFC 4180).
    @Test func quotingFindsEverySpecialByteAnywhere() {
        for length in 0...24 {
            let clean = String(repeating: "a", count: length)
            let out = CSVBuffer()
            out.text(clean.isEmpty ? "" : clean)
            #expect(String(decoding: out.bytes, as: UTF8.self) == clean)
            for special in [",", "\"", "\n", "\r"] where length > 0 {
                for position in 0..<length {
                    var chars = Array(repeating: "a", count: length)
                    chars[position] = special
                    let value = chars.joined()
                    let out = CSVBuffer()
                    out.text(value)
                    let quoted = "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                    #expect(String(decoding: out.bytes, as: UTF8.self) == quoted, "\(special.debugDescription) at \(position) of \(length)")
                }
            }
        }
    }
}
