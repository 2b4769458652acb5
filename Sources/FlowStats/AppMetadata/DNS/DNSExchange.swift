// A flow's DNS messages turned into the values of its first dns.log row that has a query,
// following how Zeek pairs queries and replies (zeek/zeek scripts/base/protocols/dns/main.zeek:
// set_session, do_reply, dns_request, dns_end, finalize_dns) and when it flips roles
// (src/analyzer/protocol/dns/DNS.cc, DNS_Interpreter::ParseMessage).

/// Per-flow DNS state for the feature group: feed every datagram (or TCP message), read the
/// dns.log-style fields at any time.
///
/// Zeek's rows, as modelled here: a query opens a row (its question gives `query` and
/// `qtype`); a response with the same id closes the oldest open row of that id and gives
/// `rcode`, and the pair is logged then. A response nothing is waiting for opens a row of its
/// own (`rcode`; `query` from its first answer record, no `qtype`), which a later query with
/// its id completes. Rows never completed are logged when the flow ends: the first open query,
/// the other open queries, then the open replies (Zeek empties tables in an order of its own;
/// here, arrival order). Towards a multicast responder (mDNS, LLMNR) Zeek pairs nothing: every
/// message is its own row, logged at once. More than 50 rows waiting of one kind are logged
/// and forgotten, as Zeek's `max_pending_query_ids` does. Messages with other opcodes than
/// QUERY, NOTIFY and UPDATE are ignored, as Zeek does.
struct DNSExchange: Sendable {
    /// A dns.log row in the making.
    struct Row: Sendable, Equatable {
        var id: UInt16
        var query: String?
        var qtype: UInt16?
        var rcode: UInt16?
    }

    /// Zeek's `DNS::max_pending_query_ids`.
    static let maxPending = 50

    /// Whether the flow's responder (the first packet's destination) is a multicast address
    /// (Zeek's `DNS::multicast_subnets`, 224.0.0.0/4 and ff00::/8).
    let responderIsMulticast: Bool

    /// Some message would make Zeek confirm DNS (conn.log `service` `dns`).
    private(set) var isDNS = false
    /// Whether the first message Zeek parsed (header and opcode accepted) was a response;
    /// nil before any.
    private(set) var firstMessageWasResponse: Bool?
    /// Zeek flips the connection's roles (history `^`): the first parsed message is a response
    /// sent by the originator, and the responder is not multicast.
    private(set) var flipsRoles = false

    private var logged: Row?
    private var pendingQuery: Row?
    private var pendingQueries: [Row] = []
    private var pendingReplies: [Row] = []

    init(responderIsMulticast: Bool = false) {
        self.responderIsMulticast = responderIsMulticast
    }

    /// The row whose values the flow reports: the first logged row with a query, else the first
    /// row with a query that would be logged when the flow ends.
    var row: Row? {
        if let logged { return logged }
        if let pendingQuery, pendingQuery.query != nil { return pendingQuery }
        return pendingQueries.first { $0.query != nil } ?? pendingReplies.first { $0.query != nil }
    }

    /// dns.log `query` of ``row``.
    var query: String? { row?.query }
    /// dns.log `qtype_name` of ``row`` (unset for a row opened by a response).
    var qtypeName: String? { row?.qtype.map(DNSNames.qtypeName) }
    /// dns.log `rcode_name` of ``row`` (unset until a response is paired).
    var rcodeName: String? { row?.rcode.map(DNSNames.rcodeName) }

    /// Adds one UDP payload (or one TCP message without its length prefix); `fromClient` is
    /// whether the flow's first sender sent it.
    mutating func add(datagram: UnsafeRawBufferPointer, fromClient: Bool) {
        guard let message = DNSMessageSummary.parse(message: datagram) else { return }
        add(datagramMessage: message, fromClient: fromClient)
    }

    /// ``add(datagram:fromClient:)`` for a datagram the caller already parsed (``DatagramProgress``
    /// parses each datagram once).
    mutating func add(datagramMessage message: DNSMessageSummary, fromClient: Bool) {
        guard logged == nil || !isDNS else { return }  // nothing left to learn
        add(message, fromClient: fromClient)
    }

    /// Adds one parsed message.
    mutating func add(_ message: DNSMessageSummary, fromClient: Bool) {
        if firstMessageWasResponse == nil {
            firstMessageWasResponse = message.isResponse
            flipsRoles = message.isResponse && fromClient && !responderIsMulticast
        }
        if message.confirmsDNS { isDNS = true }
        guard logged == nil else { return }
        if responderIsMulticast {
            var row = Row(id: message.id)
            if message.isResponse {
                row.rcode = message.rcode
                row.query = message.answerName
            } else {
                row.query = message.query
                row.qtype = message.qtype
            }
            log(row)
        } else if message.isResponse {
            addResponse(message)
        } else {
            addQuery(message)
        }
    }

    private mutating func addQuery(_ message: DNSMessageSummary) {
        if let index = pendingReplies.firstIndex(where: { $0.id == message.id }) {
            var row = pendingReplies.remove(at: index)
            if message.query != nil {
                row.query = message.query
                row.qtype = message.qtype
            }
            log(row)
            return
        }
        let row = Row(id: message.id, query: message.query, qtype: message.qtype)
        if pendingQuery == nil {
            pendingQuery = row
        } else {
            for flushed in Self.enqueue(row, in: &pendingQueries) { log(flushed) }
        }
    }

    private mutating func addResponse(_ message: DNSMessageSummary) {
        var row: Row
        var paired = true
        if let first = pendingQuery, first.id == message.id {
            row = first
            if let index = pendingQueries.firstIndex(where: { $0.id == message.id }) ?? pendingQueries.indices.first {
                pendingQuery = pendingQueries.remove(at: index)
            } else {
                pendingQuery = nil
            }
        } else if let index = pendingQueries.firstIndex(where: { $0.id == message.id }) {
            row = pendingQueries.remove(at: index)
        } else {
            row = Row(id: message.id)
            paired = false
        }
        row.rcode = message.rcode
        if row.query == nil { row.query = message.answerName }
        if paired {
            log(row)
        } else {
            for flushed in Self.enqueue(row, in: &pendingReplies) { log(flushed) }
        }
    }

    /// Zeek's enqueue_new_msg: past the limit, everything waiting is logged (returned, in
    /// order) and dropped.
    private static func enqueue(_ row: Row, in queue: inout [Row]) -> [Row] {
        var flushed: [Row] = []
        if queue.count >= maxPending {
            flushed = queue
            queue.removeAll()
        }
        queue.append(row)
        return flushed
    }

    private mutating func log(_ row: Row) {
        if logged == nil && row.query != nil { logged = row }
    }
}
