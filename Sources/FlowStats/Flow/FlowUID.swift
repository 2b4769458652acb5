/// Deterministic flow ids: the same input gives the same ids, whatever the thread count.
///
/// A uid mixes a per-file salt (a hash of the file's name as written in SourceFile), the
/// flow key, the first packet's time and the flow's serial number in the file, with the
/// SplitMix64 finaliser. Written as `C` + base-62 digits, like Zeek's uids (Zeek's are random).
public enum FlowUID {
    static func make(salt: UInt64, key: FlowKey, firstNs: Int64, serial: UInt64) -> UInt64 {
        var h = salt
        for word in [key.lower.address.high, key.lower.address.low, key.upper.address.high, key.upper.address.low,
                     UInt64(key.lower.port) << 32 | UInt64(key.upper.port) << 16 | UInt64(key.ipProtocol) << 8,
                     UInt64(key.vlanID), UInt64(bitPattern: firstNs), serial] {
            h = mix(h ^ word)
        }
        return h
    }

    /// A salt from a file name (FNV-1a, then mixed).
    public static func salt(_ name: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return mix(h)
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `C` followed by the value in base 62 (at most 11 digits).
    public static func text(_ uid: UInt64) -> String {
        let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        var value = uid
        var out: [UInt8] = []
        repeat {
            out.append(digits[Int(value % 62)])
            value /= 62
        } while value > 0
        return "C" + String(decoding: out.reversed(), as: UTF8.self)
    }
}
