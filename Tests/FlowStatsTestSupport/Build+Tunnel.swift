// Tunnel encapsulations: IP-in-IP, GRE (PPTP, ERSPAN), VXLAN, Geneve, GTP-U, Teredo, TZSP, CAPWAP.

extension Build {
    /// IP protocol number of IPv4 carried in IP (IP-in-IP, "IPIP").
    public static let protocolIPIP: UInt8 = 4
    /// IP protocol number of IPv6 carried in IP (6in4, 6in6).
    public static let protocolIPv6InIP: UInt8 = 41
    /// IP protocol number of GRE.
    public static let protocolGRE: UInt8 = 47

    /// An outer IPv4 or IPv6 packet (by `src`'s family) carrying the IP packet `inner` as
    /// IP-in-IP: protocol / next header 4 for an IPv4 inner packet, 41 for IPv6.
    public static func ipInIP(_ src: String, _ dst: String, inner: [UInt8], id: UInt16 = 1) -> [UInt8] {
        let proto = etherType(of: inner) == 0x86DD ? protocolIPv6InIP : protocolIPIP
        return ip(src, dst, protocol: proto, payload: inner, id: id, ttl: 64)
    }

    /// An outer IPv4 or IPv6 packet (by `src`'s family) carrying `gre` (a GRE header and its
    /// payload, from ``gre(_:protocolType:checksum:key:sequence:routing:reservedFlags:)`` and
    /// friends) with protocol 47.
    public static func greTunnel(_ src: String, _ dst: String, gre: [UInt8], id: UInt16 = 1) -> [UInt8] {
        ip(src, dst, protocol: protocolGRE, payload: gre, id: id, ttl: 64)
    }

    /// A GRE version 0 header (RFC 2784, RFC 2890) followed by `payload`. Optional fields in
    /// order: checksum + reserved (C, the checksum covering header and payload), key (K),
    /// sequence number (S). `routing` sets the deprecated R bit (no routing field is added);
    /// `reservedFlags` is OR-ed into the flags word as is (to build invalid headers).
    public static func gre(_ payload: [UInt8], protocolType: UInt16, checksum: Bool = false, key: UInt32? = nil,
                           sequence: UInt32? = nil, routing: Bool = false, reservedFlags: UInt16 = 0) -> [UInt8] {
        var flags: UInt16 = reservedFlags
        if checksum { flags |= 0x8000 }
        if routing { flags |= 0x4000 }
        if key != nil { flags |= 0x2000 }
        if sequence != nil { flags |= 0x1000 }
        var header: [UInt8] = []
        header.appendBE(flags)
        header.appendBE(protocolType)
        if checksum { header.appendBE(UInt32(0)) }
        if let key { header.appendBE(key) }
        if let sequence { header.appendBE(sequence) }
        var packet = header + payload
        if checksum { packet.setBE16(internetChecksum(packet), at: 4) }
        return packet
    }

    /// PPTP's enhanced GRE (GRE version 1, RFC 2637) carrying a PPP frame with `ip`: flags K
    /// (always), S when `sequence` is given, A when `acknowledgment` is given; protocol 0x880B;
    /// key = PPP payload length and `callID`; then the PPP frame: 0xFF 0x03 (unless
    /// `addressControl` is false) and protocol 0x0021 (IPv4) or 0x0057 (IPv6). With `ip` empty
    /// and no sequence, an acknowledgment-only packet.
    public static func pptpGRE(_ ip: [UInt8], callID: UInt16 = 1, sequence: UInt32? = 1, acknowledgment: UInt32? = nil,
                               addressControl: Bool = true) -> [UInt8] {
        var ppp: [UInt8] = []
        if !ip.isEmpty {
            if addressControl { ppp += [0xFF, 0x03] }
            ppp.appendBE(pppProtocol(of: ip))
            ppp += ip
        }
        var flags: UInt16 = 0x2000 | 0x0001
        if sequence != nil { flags |= 0x1000 }
        if acknowledgment != nil { flags |= 0x0080 }
        var header: [UInt8] = []
        header.appendBE(flags)
        header.appendBE(UInt16(0x880B))
        header.appendBE(UInt16(ppp.count))
        header.appendBE(callID)
        if let sequence { header.appendBE(sequence) }
        if let acknowledgment { header.appendBE(acknowledgment) }
        return header + ppp
    }

    /// GRE (protocol 0x88BE, S bit set, `sequence`) with an 8-byte ERSPAN type II header
    /// (version 1, `vlan`, `sessionID`, index 0) and the mirrored Ethernet `frame`.
    public static func erspanII(_ frame: [UInt8], sessionID: UInt16 = 1, vlan: UInt16 = 0, sequence: UInt32 = 1) -> [UInt8] {
        var erspan: [UInt8] = []
        erspan.appendBE(UInt16(0x1000) | (vlan & 0x0FFF))   // version 1, VLAN
        erspan.appendBE(sessionID & 0x03FF)                  // COS 0, En 0, T 0, session id
        erspan.appendBE(UInt32(0))                           // reserved, index
        return gre(erspan + frame, protocolType: 0x88BE, sequence: sequence)
    }

    /// GRE (protocol 0x22EB, S bit set) with a 12-byte ERSPAN type III header (version 2,
    /// `sessionID`, timestamp 1, the O flag set when `platformSubheader` is), the 8-byte
    /// platform-specific subheader when asked for, and the mirrored Ethernet `frame`.
    public static func erspanIII(_ frame: [UInt8], sessionID: UInt16 = 1, platformSubheader: Bool = false,
                                 sequence: UInt32 = 1) -> [UInt8] {
        var erspan: [UInt8] = []
        erspan.appendBE(UInt16(0x2000))                      // version 2, VLAN 0
        erspan.appendBE(sessionID & 0x03FF)
        erspan.appendBE(UInt32(1))                           // timestamp
        erspan.appendBE(UInt16(0))                           // SGT
        erspan.appendBE(UInt16(platformSubheader ? 1 : 0))  // P, FT, HW id, D, Gra, O
        if platformSubheader {
            erspan += [0x0C, 0, 0, 0, 0, 0, 0, 0]            // platform id 3, zeros
        }
        return gre(erspan + frame, protocolType: 0x22EB, sequence: sequence)
    }

    /// A VXLAN header (RFC 7348: flags with I set, `vni`) followed by the Ethernet `frame`:
    /// the UDP payload for destination port 4789. `flags` replaces the flags byte.
    public static func vxlan(_ frame: [UInt8], vni: UInt32, flags: UInt8 = 0x08) -> [UInt8] {
        var header: [UInt8] = [flags, 0, 0, 0]
        header.appendBE(vni << 8)
        return header + frame
    }

    /// A Geneve header (RFC 8926) followed by `payload`: `version` (0), the options length
    /// from `options` (zero-padded to 4-byte words), flags 0, `protocolType` (0x6558 for an
    /// Ethernet frame, 0x0800/0x86DD for IP), `vni`, then the options. The UDP payload for
    /// destination port 6081.
    public static func geneve(_ payload: [UInt8], protocolType: UInt16 = 0x6558, vni: UInt32, options: [UInt8] = [],
                              version: UInt8 = 0) -> [UInt8] {
        var opts = options
        opts.padZeros(toMultipleOf: 4)
        precondition(opts.count / 4 <= 0x3F, "Geneve options longer than 252 bytes")
        var header: [UInt8] = [version << 6 | UInt8(opts.count / 4), 0]
        header.appendBE(protocolType)
        header.appendBE(vni << 8)
        return header + opts + payload
    }

    /// One Geneve option (class, type, data zero-padded to 4-byte words).
    public static func geneveOption(optionClass: UInt16, type: UInt8, data: [UInt8]) -> [UInt8] {
        var body = data
        body.padZeros(toMultipleOf: 4)
        var option: [UInt8] = []
        option.appendBE(optionClass)
        option.append(type)
        option.append(UInt8(body.count / 4))
        return option + body
    }

    /// A GTP-U header (3GPP TS 29.281, version 1, PT set) followed by `payload` (an IP packet
    /// for a T-PDU, message type 0xFF). The sequence / N-PDU / next-extension word is added
    /// when any of `sequence`, `npdu` or `extensionHeaders` is given (flags S, PN, E); each
    /// extension header is its length in 4-byte words, its content (zero-padded so the header
    /// is a multiple of 4 bytes) and the next header's type. The length field counts all bytes
    /// after the first 8.
    public static func gtpU(_ payload: [UInt8], teid: UInt32, sequence: UInt16? = nil, npdu: UInt8? = nil,
                            extensionHeaders: [(type: UInt8, content: [UInt8])] = [], messageType: UInt8 = 0xFF,
                            version: UInt8 = 1) -> [UInt8] {
        var flags: UInt8 = version << 5 | 0x10
        if !extensionHeaders.isEmpty { flags |= 0x04 }
        if sequence != nil { flags |= 0x02 }
        if npdu != nil { flags |= 0x01 }
        var optional: [UInt8] = []
        if flags & 0x07 != 0 {
            optional.appendBE(sequence ?? 0)
            optional.append(npdu ?? 0)
            optional.append(extensionHeaders.first?.type ?? 0)
            for (index, header) in extensionHeaders.enumerated() {
                var body = [UInt8(0)] + header.content
                while (body.count + 1) % 4 != 0 { body.append(0) }
                body[0] = UInt8((body.count + 1) / 4)
                body.append(index + 1 < extensionHeaders.count ? extensionHeaders[index + 1].type : 0)
                optional += body
            }
        }
        var header: [UInt8] = [flags, messageType]
        header.appendBE(UInt16(optional.count + payload.count))
        header.appendBE(teid)
        return header + optional + payload
    }

    /// A Teredo authentication header's fields (RFC 4380 §5.1.1).
    public struct TeredoAuthentication: Sendable {
        public var clientID: [UInt8]
        public var value: [UInt8]
        public var nonce: UInt64
        public var confirmation: UInt8

        public init(clientID: [UInt8] = [], value: [UInt8] = [], nonce: UInt64 = 0x0102_0304_0506_0708, confirmation: UInt8 = 0) {
            self.clientID = clientID
            self.value = value
            self.nonce = nonce
            self.confirmation = confirmation
        }
    }

    /// A Teredo UDP payload (RFC 4380): the authentication header when given, then the origin
    /// indication when given (port and IPv4 address stored obfuscated, XOR all ones), then
    /// `ipv6`. The UDP payload for port 3544.
    public static func teredo(_ ipv6: [UInt8], authentication: TeredoAuthentication? = nil,
                              origin: (port: UInt16, address: String)? = nil) -> [UInt8] {
        var header: [UInt8] = []
        if let authentication {
            precondition(authentication.clientID.count <= 255 && authentication.value.count <= 255, "Teredo auth too long")
            header += [0x00, 0x01, UInt8(authentication.clientID.count), UInt8(authentication.value.count)]
            header += authentication.clientID + authentication.value
            header.appendBE(authentication.nonce)
            header.append(authentication.confirmation)
        }
        if let origin {
            let address = Build.address(origin.address)
            precondition(address.count == 4, "Teredo origin indication holds an IPv4 address")
            header += [0x00, 0x00]
            header.appendBE(origin.port ^ 0xFFFF)
            header += address.map { $0 ^ 0xFF }
        }
        return header + ipv6
    }
}

// TZSP and CAPWAP data, the tunnels NFStream decodes besides GTP-U.
extension Build {
    /// A TZSP header (version 1, `type`: 0 received tag list, `encapsulated` 1 = Ethernet),
    /// the tagged fields `tags` as raw bytes (PADDING 0x00, END 0x01, other tags type,
    /// length, value; the default is END alone), then `frame`. The UDP payload for port 37008.
    public static func tzsp(_ frame: [UInt8], type: UInt8 = 0, encapsulated: UInt16 = 1, tags: [UInt8] = [0x01],
                            version: UInt8 = 1) -> [UInt8] {
        var header: [UInt8] = [version, type]
        header.appendBE(encapsulated)
        return header + tags + frame
    }

    /// A CAPWAP data header (RFC 5415 §4.3) followed by `payload`: preamble `preamble`
    /// (version 0, type 0), HLEN covering the 8 fixed bytes and the optional fields, RID 1,
    /// `wbid` (1 = IEEE 802.11), T set when `native80211`, the F, W, M and K bits as asked,
    /// fragment id and offset 0; then the radio MAC address (M: a length byte and the
    /// address) and the wireless specific information (W: a length byte and the data), each
    /// zero-padded to a 4-byte boundary. The UDP payload for port 5247.
    public static func capwapData(_ payload: [UInt8], native80211: Bool, wbid: UInt8 = 1, radioMAC: [UInt8]? = nil,
                                  wirelessInfo: [UInt8]? = nil, keepAlive: Bool = false, fragment: Bool = false,
                                  preamble: UInt8 = 0) -> [UInt8] {
        var optional: [UInt8] = []
        for field in [radioMAC, wirelessInfo] {
            guard let field else { continue }
            var part = [UInt8(field.count)] + field
            part.padZeros(toMultipleOf: 4)
            optional += part
        }
        let words = UInt32(8 + optional.count) / 4
        var word: UInt32 = UInt32(preamble) << 24 | words << 19 | 1 << 14 | UInt32(wbid & 0x1F) << 9
        if native80211 { word |= 1 << 8 }
        if fragment { word |= 1 << 7 }
        if wirelessInfo != nil { word |= 1 << 5 }
        if radioMAC != nil { word |= 1 << 4 }
        if keepAlive { word |= 1 << 3 }
        var header: [UInt8] = []
        header.appendBE(word)
        header.appendBE(UInt32(0))  // fragment id, fragment offset
        return header + optional + payload
    }

    /// An IEEE 802.11 data frame carrying `ip` in LLC/SNAP: Frame Control (type data; subtype
    /// QoS data (8) when `qos`, else data (0); To DS; Protected when `protected`), duration,
    /// three addresses, sequence control, the QoS control field when `qos`, then AA AA 03
    /// 00 00 00 and `ip`'s EtherType. `swapped` writes the two Frame Control bytes in the
    /// other order, as Cisco access points do in CAPWAP.
    public static func wifiData(_ ip: [UInt8], qos: Bool = false, protected: Bool = false, swapped: Bool = false) -> [UInt8] {
        let control: UInt8 = qos ? 0x88 : 0x08
        let flags: UInt8 = 0x01 | (protected ? 0x40 : 0)
        var frame: [UInt8] = swapped ? [flags, control] : [control, flags]
        frame += [0, 0]                                    // duration
        frame += [0x02, 0, 0, 0, 0, 0x01]                  // address 1 (BSSID)
        frame += [0x02, 0, 0, 0, 0, 0x02]                  // address 2 (source)
        frame += [0x02, 0, 0, 0, 0, 0x03]                  // address 3 (destination)
        frame += [0x10, 0]                                 // sequence control
        if qos { frame += [0, 0] }
        frame += [0xAA, 0xAA, 0x03, 0, 0, 0]
        frame.appendBE(etherType(of: ip))
        return frame + ip
    }
}
