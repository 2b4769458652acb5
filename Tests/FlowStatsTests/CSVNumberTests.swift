import FlowStats
import FlowStatsTestSupport
import Testing

/// The CSV buffer writes numbers digit by digit; these compare it with the same values
/// formatted through `String` (a different implementation) over many values.
@Suite struct CSVNumberTests {
    func field(_ write: (CSVBuffer) -> Void) -> String {
        let buffer = CSVBuffer()
        write(buffer)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    /// Every power of ten and its neighbours, and random values of every length.
    static var integers: [Int] {
        var values: [Int] = [0, 1, Int.max, Int.min, Int.min + 1]
        var power = 1
        for _ in 0..<19 {
            values += [power - 1, power, power + 1, -power, 2 * power, 9 * power]
            power = power.multipliedReportingOverflow(by: 10).overflow ? power : power * 10
        }
        var generator = SplitMix64.forTest()
        for bits in 1..<63 {
            for _ in 0..<200 { values.append(Int.random(in: 0..<(1 << bits), using: &generator)) }
        }
        return values
    }

    @Test func integersMatchStringFormatting() {
        for value in Self.integers {
            #expect(field { $0.int(value) } == String(value))
        }
    }

    /// `seconds` as its documentation states it: whole seconds, a point, 6 decimals, or 9 when
    /// the nanoseconds are not a whole number of microseconds.
    static func expectedSeconds(_ ns: Int64) -> String {
        let magnitude = ns.magnitude
        let whole = String(magnitude / 1_000_000_000)
        let fraction = magnitude % 1_000_000_000
        let decimals = fraction % 1000 == 0 ? String(fraction / 1000) : String(fraction)
        let width = fraction % 1000 == 0 ? 6 : 9
        return (ns < 0 ? "-" : "") + whole + "." + String(repeating: "0", count: width - decimals.count) + decimals
    }

    @Test func secondsMatchStringFormatting() {
        var values: [Int64] = [0, 1, 999, 1000, 1_000_000, 999_999_999, 1_000_000_000, -1, -1_500_000_000,
                               1_700_000_000_024_040_000, 1_700_000_000_024_040_001, Int64.max, Int64.min + 1]
        var generator = SplitMix64.forTest()
        for _ in 0..<20_000 {
            values.append(Int64.random(in: 0..<4_000_000_000_000_000_000, using: &generator))
            values.append(Int64.random(in: 0..<4_000_000_000_000_000_000, using: &generator) / 1000 * 1000)
            values.append(Int64.random(in: -10_000_000_000...10_000_000_000, using: &generator))
        }
        for ns in values {
            #expect(field { $0.seconds(ns) } == Self.expectedSeconds(ns), "\(ns)")
        }
    }

    /// `double` as documented: the value's exact binary expansion rounded half away from zero
    /// to 6 decimals, trailing zeros dropped, at least one decimal kept. Exact integer
    /// arithmetic: the fraction is n / 2^k, so the millionths are ⌊(2·n·10⁶ + 2^k) / 2^(k+1)⌋.
    /// (An earlier reference scaled the value by 10⁶ in floating point, as the writer did, and
    /// so shared its error past 2³³.)
    static func expectedDouble(_ value: Double) -> String {
        let magnitude = abs(value)
        var whole = UInt64(magnitude)
        let fraction = magnitude - Double(whole)  // exact
        var micros: UInt64 = 0
        if fraction > 0 {
            let k = 52 - Int(fraction.exponent)  // fraction = n / 2^k, n < 2^53
            if k <= 100 {  // else below 2⁻⁴⁷: 0 millionths
                let n = UInt128(fraction.significandBitPattern | (1 << 52))
                micros = UInt64((2 * n * 1_000_000 + (UInt128(1) << k)) >> (k + 1))
            }
        }
        if micros == 1_000_000 { whole += 1; micros = 0 }
        var decimals = String(micros)
        decimals = String(repeating: "0", count: 6 - decimals.count) + decimals
        while decimals.count > 1 && decimals.hasSuffix("0") { decimals.removeLast() }
        return (value < 0 && (whole != 0 || micros != 0) ? "-" : "") + String(whole) + "." + decimals
    }

    /// Values whose exact expansions Python's `decimal` module rounded (ROUND_HALF_UP to
    /// 0.000001): the writer once scaled by 10⁶ in floating point and got the sixth decimal
    /// wrong from 2³³ on, and 1234.0000005 (really 1234.00000049999994…) rounded up.
    @Test(arguments: [
        (8999999999999.5, "8999999999999.5"), (123456789012.345678, "123456789012.345673"),
        (8589934592.000001, "8589934592.000002"), (1e12 / 3, "333333333333.333313"),
        (4294967296.1234565, "4294967296.123457"), (2.675, "2.675"), (1234.0000005, "1234.0"),
        (98765.4321, "98765.4321"), (1e9 + 0.0000015, "1000000000.000002"), (-1234.0000005, "-1234.0"),
    ])
    func doublesRoundTheirExactValue(value: Double, text: String) {
        #expect(field { $0.double(value) } == text)
        #expect(Self.expectedDouble(value) == text)
    }

    @Test func doublesMatchStringFormatting() {
        var values: [Double] = [0, -0.0, 0.5, 0.0000005, 0.0000015, -0.0000005, 0.0000004999, 1, 104, 253.5, 1e-7,
                                85.333333333, 2.0 / 3.0, 8.999999e12, -8.999999e12, 4503599627.3705, 123456.7890125]
        var generator = SplitMix64.forTest()
        for _ in 0..<20_000 {
            values.append(Double.random(in: 0..<2, using: &generator))
            values.append(Double.random(in: 0..<2000, using: &generator))
            values.append(Double.random(in: -1e12...1e12, using: &generator))
            values.append(Double.random(in: -8.99e12...8.99e12, using: &generator).rounded() + 0.5)
            values.append(Double(Int.random(in: 0..<100_000_000, using: &generator)) / 2_000_000)  // halves of a millionth
        }
        for value in values {
            #expect(field { $0.double(value) } == Self.expectedDouble(value), "\(value)")
        }
        #expect(field { $0.double(.nan) } == "0")
        #expect(field { $0.double(-.infinity) } == "0")
        #expect(field { $0.double(1e13) } == (1e13).description)
    }

    /// Base 62 by plain repeated division, written independently of FlowUID's writer.
    private static func base62(_ value: UInt64) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var v = value
        var digits: [Character] = []
        repeat {
            digits.insert(alphabet[Int(v % 62)], at: 0)
            v /= 62
        } while v > 0
        return "C" + String(digits)
    }

    @Test func flowIDsAreBase62() {
        // Worked by hand (and with Python's divmod): 61 = z, 62 = 10, 62¹⁰ = 1 and ten 0s.
        #expect(FlowUID.text(61) == "Cz")
        #expect(FlowUID.text(62) == "C10")
        #expect(FlowUID.text(839_299_365_868_340_223) == "Czzzzzzzzzz")
        #expect(FlowUID.text(839_299_365_868_340_224) == "C10000000000")
        #expect(FlowUID.text(UInt64.max) == "CLygHa16AHYF")
        var values: [UInt64] = [0, 1, 61, 62, 63, 3843, 3844, 839_299_365_868_340_223, 839_299_365_868_340_224, UInt64.max]
        var generator = SplitMix64.forTest()
        for bits in 1...64 {
            for _ in 0..<100 { values.append(UInt64.random(in: 0...UInt64.max, using: &generator) >> (64 - bits)) }
        }
        for uid in values {
            #expect(field { $0.flowID(uid) } == Self.base62(uid), "\(uid)")
            #expect(FlowUID.text(uid) == Self.base62(uid), "\(uid)")
        }
    }

    @Test func textFieldsAreCopiedWhole() {
        // Lengths around the word sizes the copy uses.
        for length in 0...40 {
            let s = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            #expect(field { $0.plain(s) } == s)
            #expect(field { $0.text(s) } == s)
            #expect(field { $0.prepared(Array(s.utf8)) } == s)
        }
        #expect(field { $0.plain("é, not quoted") } == "é, not quoted")
    }

    @Test func buffersGrowPastTheirCapacity() {
        let buffer = CSVBuffer(capacity: 1)
        var expected = ""
        for i in 0..<2000 {
            buffer.int(i)
            buffer.address(IPAddress(high: UInt64(i), low: 1))
            buffer.plain(String(repeating: "x", count: i % 50))
            buffer.endRow()
            expected += "\(i),\(IPAddress(high: UInt64(i), low: 1)),\(String(repeating: "x", count: i % 50))\n"
        }
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == expected)
    }
}
