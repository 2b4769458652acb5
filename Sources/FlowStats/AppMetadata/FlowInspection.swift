/// One flow's inspection while its first bytes are read: each TCP direction's stream prefix
/// (``StreamReassembler``, `--inspect-bytes`), the UDP datagram counts, and the parsers'
/// progress. Created at the flow's first payload, dropped when ``take(_:into:options:)`` says
/// the parsers are done (or the flow ends): see ``AppMetadataTable``.
struct FlowInspection {
    /// TCP: each direction's first bytes in sequence order (nil until it sends payload).
    private var client: StreamReassembler?
    private var server: StreamReassembler?
    /// What the stream parsers have decided so far (StreamAnalysis.swift).
    private var streams: StreamProgress
    /// UDP: what the datagram parsers have decided so far (DatagramAnalysis.swift), boxed and
    /// made at the first datagram: it is the larger part (456 B), and a TCP inspection needs
    /// none of it. The inspection itself is never copied (``AppMetadataTable`` updates it in
    /// its place), so the box is never shared.
    private var datagramState: DatagramState?
    private final class DatagramState { var progress = DatagramProgress() }

    /// `values`: ``FeatureOptions/appValues``.
    init(values: Bool = true) { streams = StreamProgress(values: values) }

    /// Bytes this inspection buffers now.
    var bufferedBytes: Int {
        (client?.bufferedBytes ?? 0) + (server?.bufferedBytes ?? 0) + (datagramState?.progress.bufferedBytes ?? 0)
    }

    /// Reads one packet with payload (or a TCP packet of a flow already being inspected).
    /// Returns true when nothing more is to be learnt from this flow; sets `buffered` to
    /// ``bufferedBytes`` after the packet.
    mutating func take(_ packet: borrowing PacketView, into m: inout AppMetadata, options: borrowing FeatureOptions,
                       buffered: inout Int) -> Bool {
        let done = take(packet, into: &m, options: options)
        buffered = bufferedBytes
        return done
    }

    private mutating func take(_ packet: borrowing PacketView, into m: inout AppMetadata, options: borrowing FeatureOptions) -> Bool {
        let input = packet.input
        if input.isTCP { return takeSegment(packet, into: &m, options: options) }
        // The responder: the destination of the client's packets.
        let server = packet.fromClient ? input.destination : input.source
        let ports = packet.fromClient ? UDPPorts(client: input.sourcePort, server: input.destinationPort)
                                      : UDPPorts(client: input.destinationPort, server: input.sourcePort)
        if datagramState == nil { datagramState = DatagramState() }
        return datagramState!.progress.take(packet.payload, fromClient: packet.fromClient, ports: ports,
                                            serverIsMulticast: server.isMulticast, into: &m)
    }

    private mutating func takeSegment(_ packet: borrowing PacketView, into m: inout AppMetadata,
                                      options: borrowing FeatureOptions) -> Bool {
        let input = packet.input
        if input.tcpFlags & TCPFlag.ack != 0 {
            // The receiver of this ACK's peer: a hole it acknowledges will never be filled.
            if packet.fromClient { server?.acknowledged(input.acknowledgment) } else { client?.acknowledged(input.acknowledgment) }
        }
        if !packet.payload.isEmpty {
            var grew = false
            if packet.fromClient {
                if client == nil {
                    client = StreamReassembler(limit: options.inspectBytes)
                    if m.hasClientSYN { client!.start(synSequence: m.clientSYN) }
                }
                grew = client!.add(sequence: input.sequence, packet.payload)
            } else {
                if server == nil {
                    server = StreamReassembler(limit: options.inspectBytes)
                    if m.hasServerSYN { server!.start(synSequence: m.serverSYN) }
                }
                grew = server!.add(sequence: input.sequence, packet.payload)
            }
            if grew { analyse(into: &m) }
        }
        // A direction that can take no more bytes is finished for its parsers.
        let clientClosed = client.map { !$0.isOpen } ?? false
        let serverClosed = server.map { !$0.isOpen } ?? false
        if clientClosed || serverClosed { streams.closed(client: clientClosed, server: serverClosed, into: &m) }
        return streams.isDone
    }

    private mutating func analyse(into m: inout AppMetadata) {
        Self.withPrefix(client) { c in Self.withPrefix(server) { s in streams.analyse(client: c, server: s, into: &m) } }
    }

    /// A direction's in-order prefix; empty for a direction that sent nothing yet.
    private static func withPrefix(_ stream: StreamReassembler?, _ body: (UnsafeRawBufferPointer) -> Void) {
        if let stream { stream.withPrefix(body) } else { body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    }

    mutating func swapDirections() {
        swap(&client, &server)
        streams.swapDirections()
        datagramState?.progress.swapDirections()
    }
}
