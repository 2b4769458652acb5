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
        String(unsafeUninitializedCapacity: maxTextLength) { buffer in
            write(uid, at: buffer.baseAddress!) - buffer.baseAddress!
        }
    }

    /// Bytes of ``text(_:)`` at most: "C" and 11 base-62 digits (62¹¹ > 2⁶⁴).
    static let maxTextLength = 12

    /// Writes ``text(_:)``'s bytes at `start` (room for ``maxTextLength``) and returns the end.
    @inline(__always)
    static func write(_ uid: UInt64, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        start.pointee = UInt8(ascii: "C")
        // Random 64-bit ids nearly always have 11 digits (62¹⁰ ≈ 8.4e17); count the others.
        var digits = 11
        if uid < 839_299_365_868_340_224 {  // 62¹⁰
            digits = 1
            var rest = uid / 62
            while rest > 0 {
                digits &+= 1
                rest /= 62
            }
        }
        let alphabet = ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" as StaticString).utf8Start
        let end = start + 1 + digits
        var p = end
        var rest = uid
        repeat {
            p -= 1
            let quotient = rest / 62
            p.pointee = alphabet[Int(truncatingIfNeeded: rest &- quotient &* 62)]  // index 0 ... 61
            rest = quotient
        } while p > start + 1
        return end
    }
}
