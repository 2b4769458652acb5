/// The UDP parsers run over a flow's first datagrams (FlowInspection), and what they decided.
///
/// - QUIC: the client's Initial packets are decrypted until the ClientHello is assembled
///   (``QUICClientHelloCollector``): `quic` and, for a TLS ClientHello, `ssl` with its SNI,
///   ALPN, JA4 (`q…`) and JA3; Google QUIC's CHLO gives the SNI. Once the client's first
///   Initial has opened, the server's Initials are decrypted with keys from the same
///   connection ID (``QUICServerHelloCollector``, at most its ``QUICServerHelloCollector/maxDatagrams``
///   datagrams) until the ServerHello gives the negotiated TLS version, as in Zeek's ssl.log.
/// - DNS: every datagram, paired as Zeek pairs queries and responses (``DNSExchange``), until
///   the first query has its response.
/// - ``DatagramServices``: the other services Zeek confirms from a datagram (dhcp, ntp, sip, …),
///   from each side's first datagrams.
/// At most ``maxDatagrams`` datagrams per direction are read.
struct DatagramProgress {
    private var fromClient = 0
    private var fromServer = 0
    private var quic: QUICClientHelloCollector?
    private var quicPending = true
    private var quicServer: QUICServerHelloCollector?
    private var quicServerPending = true
    private var dns: DNSExchange?
    private var dnsPending = true
    private var dtls = DTLSProgress()
    /// At most this many datagrams per direction are read.
    static let maxDatagrams = 16
    /// The other services are looked for in this many datagrams of each side.
    static let serviceDatagrams = 2

    /// What the QUIC collectors hold (their CRYPTO streams, ≤ 64 KiB each), roughly.
    var bufferedBytes: Int { (quic == nil ? 0 : 2048) + (quicServer == nil ? 0 : 512) }

    /// Reads one datagram; returns true when nothing more is to be learnt.
    /// `ports`: the flow's; the services Zeek attaches by port (dns, ntp, snmp, syslog, radius)
    /// need theirs on the server side, as in Zeek.
    mutating func take(_ payload: UnsafeRawBufferPointer, fromClient isClient: Bool, ports: UDPPorts, serverIsMulticast: Bool,
                       into m: inout AppMetadata) -> Bool {
        if isClient { fromClient += 1 } else { fromServer += 1 }
        let seen = isClient ? fromClient : fromServer
        if quicPending && isClient {
            if quic == nil {
                if QUICDetect.mayStartConnection(payload) { quic = QUICClientHelloCollector() } else { quicPending = false }
            }
            if quic != nil {
                let progress = quic!.add(datagram: payload)
                startServerSide()
                switch progress {
                case .done(let message, _):
                    m.services.insert(bit: ServiceSet.quic)
                    m.recordQUIC(message, kind: quic!.handshakeKind)
                    quic = nil
                    quicPending = false
                case .notThisProtocol:
                    quic = nil
                    quicPending = false
                case .needMore: break
                }
            }
            if !quicPending && quicServer == nil { quicServerPending = false }
        }
        if quicServerPending && !isClient, quicServer != nil {
            switch quicServer!.add(datagram: payload) {
            case .done(let message, _):
                m.recordQUICServerHello(message)
                quicServer = nil
                quicServerPending = false
            case .notThisProtocol:
                quicServer = nil
                quicServerPending = false
            case .needMore: break
            }
        }
        if isClient && seen <= Self.serviceDatagrams && m.tlsSNI.isEmpty,
           let chlo = GooglePlainCHLO.message(in: payload) {
            m.recordQUIC(chlo, kind: .googleCHLO)  // Zeek does not analyse Google QUIC: no service
        }
        // Parsed as DNS once, for the exchange and the service detector.
        let detecting = seen <= Self.serviceDatagrams
        let dnsMessage: DNSMessageSummary? = dnsPending || detecting ? DNSMessageSummary.parse(message: payload) : nil
        if dnsPending {
            if dns == nil, let message = dnsMessage, message.confirmsDNS {
                dns = DNSExchange(responderIsMulticast: serverIsMulticast)
            }
            if dns != nil {
                if let message = dnsMessage { dns!.add(datagramMessage: message, fromClient: isClient) }
                m.record(dns!)
                if dns!.row?.rcode != nil { dnsPending = false }
            } else if seen >= Self.serviceDatagrams {
                dnsPending = false
            }
        }
        if dtls.isPending { dtls.take(payload, fromClient: isClient, into: &m) }
        if detecting, let guess = DatagramServices.detect(datagram: payload, fromClient: isClient, ports: ports,
                                                          dnsMessage: .some(dnsMessage)) {
            m.services.insert(guess.service)
        }
        let servicesDone = fromClient >= Self.serviceDatagrams && fromServer >= Self.serviceDatagrams
        let exhausted = fromClient >= Self.maxDatagrams || fromServer >= Self.maxDatagrams
        return exhausted || (!quicPending && !quicServerPending && !dnsPending && !dtls.isPending && servicesDone)
    }

    /// Starts the server side once the client's first Initial has opened with a TLS handshake
    /// (Google's Q050 CHLO has no TLS ServerHello to read).
    private mutating func startServerSide() {
        guard quicServerPending, quicServer == nil, let client = quic, client.version != 0 else { return }
        if client.handshakeKind == .tls {
            quicServer = QUICServerHelloCollector(clientDestinationID: client.firstDestinationID)
        } else {
            quicServerPending = false
        }
    }

    /// Zeek swapped the roles.
    mutating func swapDirections() { swap(&fromClient, &fromServer) }
}
