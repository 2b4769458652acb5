// When Zeek's ssh analyzer confirms the protocol (conn.log `service` gets `ssh`): zeek
// src/analyzer/protocol/ssh/ssh-analyzer.pac `proc_newkeys` runs on an SSH2 SSH_MSG_NEWKEYS
// (21) from either side, or an SSH1 SSH_CMSG_SESSION_KEY (3) from the client; the binary
// packets are only parsed once both banners fixed the version (`update_version`: 2 with 2 or
// 1.99, 1.99 with 1.99 → SSH2; 1.x with 1.x or 1.99 → SSH1; 1 with 2 → unknown). Packet
// layout: RFC 4253 §6 (SSH2: uint32 packet_length, byte padding_length, payload whose first
// byte is the message number); SSH1: uint32 length, 8 − length mod 8 padding bytes, type.

enum SSHConfirmation {
    /// The SSH version the two banners agree on (2, 1) or nil (unknown / mixed 1 and 2).
    static func agreedVersion(client: UnsafeRawBufferPointer, server: UnsafeRawBufferPointer) -> Int? {
        func kind(_ banner: UnsafeRawBufferPointer) -> Int {  // 2, 1, 199, 0
            guard banner.count >= 5 else { return 0 }
            if banner[4] == 0x32 { return 2 }
            if banner[4] == 0x31 {
                return banner.count >= 8 && banner[6] == 0x39 && banner[7] == 0x39 ? 199 : 1
            }
            return 0
        }
        let c = kind(client), s = kind(server)
        switch (c, s) {
        case (2, 2), (199, 199), (199, 2), (2, 199): return 2
        case (1, 1), (1, 199), (199, 1): return 1
        default: return nil
        }
    }

    /// Whether the packets from `start` hold the message that makes Zeek confirm SSH.
    /// `.needMore` when the bytes end inside the packets before it.
    static func sawKeyExchangeEnd(_ stream: UnsafeRawBufferPointer, from start: Int, version: Int,
                                  fromClient: Bool) -> ParseProgress<Bool> {
        var position = start
        var packets = 0
        while packets < 64 {
            guard position + 6 <= stream.count else { return .needMore }
            let length = Int(stream[position]) << 24 | Int(stream[position + 1]) << 16
                | Int(stream[position + 2]) << 8 | Int(stream[position + 3])
            guard length >= 2, length <= 256 * 1024 else { return .notThisProtocol }
            let type: UInt8
            let total: Int
            if version == 2 {
                type = stream[position + 5]
                total = 4 + length
                if type == 21 { return .done(true, consumed: position + total) }
            } else {
                let padding = 8 - length % 8
                guard position + 4 + padding < stream.count else { return .needMore }
                type = stream[position + 4 + padding]
                total = 4 + length + padding
                if fromClient && type == 3 { return .done(true, consumed: position + total) }
            }
            position += total
            packets += 1
        }
        return .notThisProtocol
    }
}
