/// How parser results become the flow's ``AppMetadata`` fields (the first of each kind wins).
extension AppMetadata {
    /// The DNS fields of the flow's first dns.log-style row; confirms `dns`.
    mutating func record(_ dns: DNSExchange) {
        if dns.isDNS { services.insert("dns") }
        guard let query = dns.query else { return }
        dnsQuery = query
        dnsQType = dns.qtypeName ?? ""
        dnsRcode = dns.rcodeName ?? ""
    }
}
