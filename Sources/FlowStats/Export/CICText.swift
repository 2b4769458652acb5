/// CICFlowMeter's text fields: its Flow ID and its Timestamp layout.
extension CSVBuffer {
    /// `SrcIP-DstIP-SrcPort-DstPort-Protocol` with Src = the client, as CICFlowMeter writes its
    /// Flow ID (protocol as a number; ports 0 unless TCP or UDP).
    func cicFlowID(_ flow: borrowing FlowRecord) {
        let client = flow.client, server = flow.server, ports = flow.cicPorts
        // Two addresses, two ports (5 digits), the protocol (3 digits), four dashes.
        writeField(maxBytes: 2 * IPAddress.maxTextLength + 17) { start in
            var p = client.address.writeText(to: start)
            p.pointee = UInt8(ascii: "-")
            p = server.address.writeText(to: p + 1)
            p.pointee = UInt8(ascii: "-")
            p = ASCIIDigits.write(UInt64(ports.client), at: p + 1)
            p.pointee = UInt8(ascii: "-")
            p = ASCIIDigits.write(UInt64(ports.server), at: p + 1)
            p.pointee = UInt8(ascii: "-")
            return ASCIIDigits.write(UInt64(flow.key.ipProtocol), at: p + 1)
        }
    }

    /// A capture time as `dd/MM/yyyy hh:mm:ss.ffffff AM` (or `PM`): CICFlowMeter's layout on a
    /// 12-hour clock, with microseconds (rounded down), in UTC (CIC used the JVM's local zone
    /// and whole seconds): `03/07/2017 08:55:58.123456 AM`.
    func cicTimestamp(_ ns: Int64) {
        let (us, _) = ns.dividingFloor(by: 1000)
        let (seconds, micro) = us.dividingFloor(by: 1_000_000)
        let (days, secondOfDay) = seconds.dividingFloor(by: 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let hour = Int(secondOfDay / 3600), minute = Int(secondOfDay / 60 % 60), second = Int(secondOfDay % 60)
        let hour12 = hour % 12 == 0 ? 12 : hour % 12
        // dd/MM/ (6) + year (at most 8 with sign) + " hh:mm:ss." (10) + 6 + " AM" (3).
        writeField(maxBytes: 33) { start in
            ASCIIDigits.writePair(day, at: start)
            start[2] = UInt8(ascii: "/")
            ASCIIDigits.writePair(month, at: start + 3)
            start[5] = UInt8(ascii: "/")
            var p = start + 6
            if year < 0 {
                p.pointee = UInt8(ascii: "-")
                p += 1
            }
            if (0...9999).contains(year) {
                ASCIIDigits.writeFour(year, at: p)
                p += 4
            } else {
                p = ASCIIDigits.write(UInt64(year.magnitude), at: p)
            }
            p[0] = UInt8(ascii: " ")
            ASCIIDigits.writePair(hour12, at: p + 1)
            p[3] = UInt8(ascii: ":")
            ASCIIDigits.writePair(minute, at: p + 4)
            p[6] = UInt8(ascii: ":")
            ASCIIDigits.writePair(second, at: p + 7)
            p[9] = UInt8(ascii: ".")
            ASCIIDigits.writeSix(UInt64(micro), at: p + 10)
            p[16] = UInt8(ascii: " ")
            p[17] = UInt8(ascii: hour < 12 ? "A" : "P")
            p[18] = UInt8(ascii: "M")
            return p + 19
        }
    }
}

extension Int64 {
    /// Quotient rounded toward −∞ and the remainder in 0..<divisor (divisor > 0).
    @inline(__always)
    func dividingFloor(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let q = self / divisor, r = self % divisor
        return r < 0 ? (q - 1, r + divisor) : (q, r)
    }
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (H. Hinnant's
/// `civil_from_days`).
func civilDate(daysSinceEpoch days: Int64) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    return (Int(year), Int(month), Int(day))
}

extension FlowRecord {
    /// The ports CICFlowMeter gives a flow: TCP's and UDP's, else 0 (flowcsv's ICMP type/code
    /// "ports" are not ports to CIC).
    var cicPorts: (client: UInt16, server: UInt16) {
        let p = key.ipProtocol
        guard p == IPProtocol.tcp.rawValue || p == IPProtocol.udp.rawValue else { return (0, 0) }
        return (client.port, server.port)
    }
}
