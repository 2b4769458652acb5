/// Decodes captured frames into a reused ``DecodedPacket``.
///
/// One entry point per starting layer is chosen by the capture's link type; each header
/// decoder checks once that its header fits, then reads fields directly. A header that
/// does not fit records a ``Truncation`` and decoding stops there, keeping what was read.
public enum PacketDecoder {
    /// Nesting limit for VLAN tags, MPLS labels and IPv6 extension headers, so a hostile
    /// frame cannot make the decoder loop long.
    static let maxNesting = 16

    public static func decode(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, into packet: inout DecodedPacket) {
        packet.reset()
        decodeLink(bytes, linkType: linkType, into: &packet)
    }

    @inline(__always)
    static func truncated(_ packet: inout DecodedPacket, _ layer: Layer, at offset: Int, need: Int, have: Int) {
        if packet.truncation == nil {
            packet.truncation = Truncation(layer: layer, offset: offset, required: need, available: max(0, have))
        }
    }

    @inline(__always)
    static func malformed(_ packet: inout DecodedPacket, _ reason: String) {
        packet.kind = .malformed
        packet.malformedReason = reason
    }
}
