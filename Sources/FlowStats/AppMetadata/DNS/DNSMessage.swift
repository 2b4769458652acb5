// One DNS message (RFC 1035 §4.1; DNS UPDATE RFC 2136 §2) read the way Zeek's DNS analyzer
// reads it (zeek/zeek src/analyzer/protocol/dns/DNS.cc, DNS_Interpreter::ParseMessage,
// ParseQuestion, ParseAnswer; scripts/base/protocols/dns/main.zeek for what reaches dns.log).
// Only the header, the question (or UPDATE zone) section and the answer (or prerequisite and
// update) sections are read, as Zeek does by default (`dns_skip_all_auth/addl = T`).

/// What one DNS message says that dns.log and conn.log use. Names are spelled as Zeek's dns.log
/// prints them (see ``ZeekLogText``): ASCII letters lower-cased, labels joined by `.`.
struct DNSMessageSummary: Sendable, Equatable {
    var id: UInt16
    /// The QR bit.
    var isResponse: Bool
    var opcode: UInt8
    /// The header's 4-bit RCODE. Zeek's dns.log `rcode` is this value: the EDNS extended
    /// RCODE (OPT record, RFC 6891 §6.1.3) only reaches Zeek's `dns_EDNS_addl` event, which
    /// is not logged (and additional records are skipped by default), so it is not read here.
    var rcode: UInt16
    /// QDCOUNT (the zone count of an UPDATE).
    var questionCount: Int
    /// The query name Zeek's `dns_request` reports: the last question that parsed (a later
    /// question cut short does not undo it). Nil for an UPDATE (its question section is the
    /// zone, see ``zone``) and when no question parsed.
    var query: String?
    var qtype: UInt16?
    var qclass: UInt16?
    /// The owner name of the first record Zeek's `DNS::do_reply` hook sees: in the answer
    /// section of a QUERY/NOTIFY, in the prerequisite or update sections of an UPDATE (per
    /// Zeek's acceptance rules there). For a response Zeek logs it as `query` when no query
    /// was paired with the response (so a DNS UPDATE logs an updated name, not the zone).
    var answerName: String?
    /// An UPDATE's zone name (the SOA-typed "question"), nil otherwise.
    var zone: String?
    /// Whether Zeek's analyzer would confirm the protocol on this message
    /// (`AnalyzerConfirmation`: at most 25 questions, the question and answer sections — or
    /// zone, prerequisites and updates — all parsed).
    var confirmsDNS: Bool
}

extension DNSMessageSummary {
    /// Zeek's `dns_max_queries`: more questions than this and Zeek gives the message up.
    static let maxQuestions = 25

    /// Opcodes Zeek parses (outside NetBIOS): QUERY 0, NOTIFY 4, UPDATE 5.
    static func opcodeIsParsed(_ opcode: UInt8) -> Bool { opcode == 0 || opcode == 4 || opcode == 5 }

    /// RR types whose records reach Zeek's `DNS::do_reply` (every type but HINFO, NBS, OPT,
    /// SVCB, HTTPS, TKEY, TSIG and CAA, which have events main.zeek does not pass on).
    static func typeReachesDoReply(_ type: UInt16) -> Bool {
        switch type {
        case 13, 32, 41, 64, 65, 249, 250, 257: return false
        default: return true
        }
    }

    /// RR types whose Zeek parser fails on empty RDATA (fixed-size addresses, or a name read
    /// from no bytes): A, NS, CNAME, SOA, PTR, MX, AAAA, SRV, A6. Other types' parsers accept it
    /// or are skipped as unknown.
    static func emptyRDataFails(_ type: UInt16) -> Bool {
        [1, 2, 5, 6, 12, 15, 28, 33, 38].contains(type)
    }

    /// Reads a DNS message (a UDP payload, or a TCP message without its length prefix).
    /// Nil when it is not one Zeek parses: shorter than the 12-byte header, or an opcode other
    /// than QUERY, NOTIFY and UPDATE. A message cut short still gives what its complete
    /// parts say (Zeek logs a query whose question parsed).
    static func parse(message: UnsafeRawBufferPointer) -> DNSMessageSummary? {
        guard message.count >= 12 else { return nil }
        func u16(_ o: Int) -> UInt16 { UInt16(message[o]) << 8 | UInt16(message[o + 1]) }
        let flags = u16(2)
        let opcode = UInt8((flags >> 11) & 0x0F)
        guard opcodeIsParsed(opcode) else { return nil }
        var summary = DNSMessageSummary(
            id: u16(0), isResponse: flags & 0x8000 != 0, opcode: opcode, rcode: flags & 0x000F,
            questionCount: Int(u16(4)), query: nil, qtype: nil, qclass: nil, answerName: nil,
            zone: nil, confirmsDNS: false)
        guard summary.questionCount <= maxQuestions else { return summary }
        var reader = SectionReader(message: message, position: 12)
        let answers = Int(u16(6)), authority = Int(u16(8))
        if opcode == 5 {
            summary.confirmsDNS = reader.readUpdate(zones: summary.questionCount, prerequisites: answers,
                                                    updates: authority, into: &summary)
        } else {
            summary.confirmsDNS = reader.readQuestions(summary.questionCount, into: &summary)
                && reader.readAnswers(answers, into: &summary)
        }
        return summary
    }
}

/// Walks the sections of one message with Zeek's bookkeeping (`data`/`len`).
private struct SectionReader {
    let message: UnsafeRawBufferPointer
    var position: Int
    var remaining: Int { message.count - position }

    /// One record's fixed part after its name.
    struct RecordHeader {
        var name: [UInt8]
        var type: UInt16
        var rrClass: UInt16
        var ttl: UInt32
        var rdLength: Int
    }

    func u16(_ o: Int) -> UInt16 { UInt16(message[o]) << 8 | UInt16(message[o + 1]) }

    /// Zeek's ExtractShort / ExtractLong: 0, consuming nothing, when too few bytes are left.
    mutating func short() -> UInt16 {
        guard remaining >= 2 else { return 0 }
        defer { position += 2 }
        return u16(position)
    }

    mutating func long() -> UInt32 {
        guard remaining >= 4 else { return 0 }
        defer { position += 4 }
        return UInt32(u16(position)) << 16 | UInt32(u16(position + 2))
    }

    /// A name then type and class (Zeek's ParseQuestion / ParseAnswerHeader); nil when either
    /// does not fit.
    mutating func nameTypeClass() -> (name: [UInt8], type: UInt16, rrClass: UInt16)? {
        guard let name = DNSNameReader.read(message, at: position, lowercase: true) else { return nil }
        position = name.next
        guard remaining >= 4 else { return nil }
        return (name.bytes, short(), short())
    }

    /// A resource record's header (Zeek's ParseAnswer up to the rdlength check).
    mutating func recordHeader() -> RecordHeader? {
        guard let head = nameTypeClass() else { return nil }
        let ttl = long()
        let rdLength = Int(short())
        guard rdLength <= remaining else { return nil }
        return RecordHeader(name: head.name, type: head.type, rrClass: head.rrClass, ttl: ttl, rdLength: rdLength)
    }

    mutating func readQuestions(_ count: Int, into summary: inout DNSMessageSummary) -> Bool {
        for _ in 0..<count {
            guard let question = nameTypeClass() else { return false }
            summary.query = ZeekLogText.spell(question.name)
            summary.qtype = question.type
            summary.qclass = question.rrClass
        }
        return true
    }

    /// The answer section of a QUERY/NOTIFY message.
    mutating func readAnswers(_ count: Int, into summary: inout DNSMessageSummary) -> Bool {
        for _ in 0..<count {
            guard let record = recordHeader() else { return false }
            // Zeek: an empty RDATA before the end of the message is an error (DNS_zero_rdlength).
            if record.rdLength == 0 && remaining > 0 { return false }
            if record.rdLength == 0 && DNSMessageSummary.emptyRDataFails(record.type) { return false }
            noteReply(record, into: &summary)
            position += record.rdLength
        }
        return true
    }

    /// The first record that reaches do_reply names the answer (Zeek's type parsers only
    /// raise their event for non-empty RDATA).
    func noteReply(_ record: RecordHeader, into summary: inout DNSMessageSummary) {
        guard summary.answerName == nil, record.rdLength > 0,
              DNSMessageSummary.typeReachesDoReply(record.type) else { return }
        summary.answerName = ZeekLogText.spell(record.name)
    }

    /// An UPDATE: one SOA-typed zone, then prerequisites and updates with Zeek's rules
    /// (ParseMessage's `is_dynamic_update` branch and ParseAnswer's UPDATE checks). As in
    /// Zeek, a prerequisite's RDATA, and an update record that breaks the class/TTL rules, are
    /// not skipped: the next record is read from where their rdlength field ended.
    mutating func readUpdate(zones: Int, prerequisites: Int, updates: Int,
                             into summary: inout DNSMessageSummary) -> Bool {
        guard zones == 1, let zone = nameTypeClass() else { return false }
        summary.zone = ZeekLogText.spell(zone.name)
        guard zone.type == 6 else { return false }
        let zoneClass = zone.rrClass
        for _ in 0..<prerequisites {
            guard let record = recordHeader() else { return false }
            guard record.ttl == 0 else { continue }
            let empty = record.rdLength == 0
            if ((record.rrClass == 255 || record.rrClass == 254) && empty) || record.rrClass == zoneClass {
                if summary.answerName == nil { summary.answerName = ZeekLogText.spell(record.name) }
            }
        }
        for _ in 0..<updates {
            guard let record = recordHeader() else { return false }
            if record.rrClass == 255 && record.ttl == 0 && record.rdLength == 0 {
                if summary.answerName == nil { summary.answerName = ZeekLogText.spell(record.name) }
                continue
            }
            guard (record.rrClass == 254 && record.ttl == 0) || record.rrClass == zoneClass else { continue }
            if record.rdLength == 0 && remaining > 0 { continue }
            if record.rdLength == 0 && DNSMessageSummary.emptyRDataFails(record.type) { return false }
            noteReply(record, into: &summary)
            position += record.rdLength
        }
        return true
    }
}
