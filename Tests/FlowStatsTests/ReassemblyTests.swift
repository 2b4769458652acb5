@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

// IPv4 and IPv6 fragment reassembly: orders, overlaps, duplicates, timeouts, limits, garbage,
// and the corpus's fragmented DNS answers against tshark's (reassembling) conversations.

private struct Fed {
    var result: ReassemblyResult
    var datagram: [UInt8]?
}

private func feed(_ r: inout FragmentReassembler, _ frame: [UInt8], at ns: Int64 = 0, link: LinkType = .raw) -> Fed {
    var packet = DecodedPacket()
    var datagram: [UInt8]?
    let result = frame.withUnsafeBytes { bytes in
        PacketDecoder.decode(bytes, linkType: link, into: &packet)
        return r.add(packet, frame: bytes, at: ns) { datagram = Array($0) }
    }
    return Fed(result: result, datagram: datagram)
}

/// Feeds all frames; returns the results and the datagram completed, if any.
private func feedAll(_ r: inout FragmentReassembler, _ frames: [[UInt8]], at ns: Int64 = 0,
                     link: LinkType = .raw) -> ([ReassemblyResult], [UInt8]?) {
    var results: [ReassemblyResult] = []
    var datagram: [UInt8]?
    for frame in frames {
        let fed = feed(&r, frame, at: ns, link: link)
        results.append(fed.result)
        if let d = fed.datagram { datagram = d }
    }
    return (results, datagram)
}

private let pattern: [UInt8] = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
/// 20 + 8 + 200 bytes; IP payload 208 = fragments of 64, 64, 64, 16.
private let udpDatagram = Build.udp("192.0.2.1", 5000, "192.0.2.2", 6000, payload: pattern, ipID: 0x4242)

/// An IPv4 fragment of `datagram` (a whole IPv4 packet without options) holding IP payload
/// bytes `from..<to`, with `replace` written over its data at the given payload offsets.
private func v4Fragment(_ datagram: [UInt8], _ from: Int, _ to: Int, more: Bool, id: UInt16 = 0x4242,
                        replace: [Int: UInt8] = [:]) -> [UInt8] {
    var data = Array(datagram[(20 + from)..<(20 + to)])
    for (offset, byte) in replace where offset >= from && offset < to { data[offset - from] = byte }
    return Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", protocol: 17, payload: data, id: id,
                      moreFragments: more, fragmentOffset8: UInt16(from / 8))
}

@Suite struct ReassemblyTests {
    @Test func inOrder() {
        var r = FragmentReassembler()
        let fragments = Build.ipv4Fragments(udpDatagram, fragmentSize: 64)
        #expect(fragments.count == 4)
        let (results, datagram) = feedAll(&r, fragments)
        #expect(results == [.pending, .pending, .pending, .complete(fragments: 4)])
        #expect(datagram == udpDatagram)
        #expect(r.stats.completed == 1 && r.pendingDatagrams == 0 && r.bufferedBytes == 0)
    }

    @Test func reverseAndShuffledOrders() {
        let fragments = Build.ipv4Fragments(udpDatagram, fragmentSize: 64)
        for order in [[3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1], [0, 3, 2, 1]] {
            var r = FragmentReassembler()
            let (results, datagram) = feedAll(&r, order.map { fragments[$0] })
            #expect(results.last == .complete(fragments: 4), "order \(order)")
            #expect(results.dropLast().allSatisfy { $0 == .pending })
            #expect(datagram == udpDatagram, "order \(order)")
        }
    }

    @Test func ethernetPaddingIsNotData() {
        var r = FragmentReassembler()
        let frames = Build.ipv4Fragments(udpDatagram, fragmentSize: 64).map { fragment in
            let frame = Build.ethernet(fragment)
            return frame + Array(repeating: 0xEE, count: max(0, 60 - frame.count))
        }
        let (_, datagram) = feedAll(&r, frames, link: .ethernet)
        #expect(datagram == udpDatagram)
    }

    @Test func overlapsKeepTheFirstBytes() {
        // [0,64) then [32,96) agreeing on the overlap, then the rest.
        var r = FragmentReassembler()
        var (results, datagram) = feedAll(&r, [v4Fragment(udpDatagram, 0, 64, more: true), v4Fragment(udpDatagram, 32, 96, more: true),
                                               v4Fragment(udpDatagram, 96, 208, more: false)])
        #expect(results == [.pending, .pending, .complete(fragments: 3)])
        #expect(datagram == udpDatagram)
        #expect(r.stats.overlappingFragments == 1 && r.stats.inconsistentOverlaps == 0)

        // The same with different bytes in the overlap: the first copy wins and it is counted.
        r = FragmentReassembler()
        let changed = v4Fragment(udpDatagram, 32, 96, more: true, replace: [40: 0xAA, 63: 0xBB])
        (results, datagram) = feedAll(&r, [v4Fragment(udpDatagram, 0, 64, more: true), changed, v4Fragment(udpDatagram, 96, 208, more: false)])
        #expect(datagram == udpDatagram)
        #expect(r.stats.overlappingFragments == 1 && r.stats.inconsistentOverlaps == 1)

        // The changed copy first: its bytes are kept.
        r = FragmentReassembler()
        (results, datagram) = feedAll(&r, [changed, v4Fragment(udpDatagram, 0, 64, more: true), v4Fragment(udpDatagram, 96, 208, more: false)])
        var expected = udpDatagram
        expected[20 + 40] = 0xAA
        expected[20 + 63] = 0xBB
        #expect(datagram == expected)
        #expect(r.stats.inconsistentOverlaps == 1)
    }

    @Test func aFragmentSpanningHolesFillsOnlyTheHoles() {
        var r = FragmentReassembler()
        let (results, datagram) = feedAll(&r, [v4Fragment(udpDatagram, 16, 32, more: true), v4Fragment(udpDatagram, 64, 72, more: true),
                                               v4Fragment(udpDatagram, 200, 208, more: false),
                                               v4Fragment(udpDatagram, 0, 200, more: true, replace: [10: 0, 70: 0])])
        #expect(results.last == .complete(fragments: 4))
        var expected = udpDatagram
        expected[20 + 10] = 0  // payload byte 10 was a hole the spanning fragment filled; byte 70 was held
        #expect(datagram == expected)
        #expect(r.stats.overlappingFragments == 1 && r.stats.inconsistentOverlaps == 1)
    }

    @Test func duplicatesAreCountedAndIgnored() {
        var r = FragmentReassembler()
        let fragments = Build.ipv4Fragments(udpDatagram, fragmentSize: 64)
        let (results, datagram) = feedAll(&r, [fragments[0], fragments[1], fragments[0], fragments[2], fragments[3]])
        #expect(results.last == .complete(fragments: 5))
        #expect(datagram == udpDatagram)
        #expect(r.stats.overlappingFragments == 1 && r.stats.inconsistentOverlaps == 0)
        // A duplicate after completion starts a new datagram, which never completes.
        #expect(feed(&r, fragments[3]).result == .pending)
        #expect(r.pendingDatagrams == 1)
    }

    /// Random covers of the datagram by overlapping, duplicated fragments in random order
    /// always give the datagram back.
    @Test func randomOverlappingCoversReassemble() {
        var generator = SplitMix64.forTest()
        for round in 0..<200 {
            var frames: [[UInt8]] = []
            var covered = 0
            while covered < 208 {
                let start = Int.random(in: 0...(covered / 8), using: &generator) * 8
                let end = min(208, max(covered + 8, start + 8 * Int.random(in: 1...10, using: &generator)))
                let alignedEnd = end == 208 ? 208 : end / 8 * 8
                if start == 0 && alignedEnd == 208 { continue }  // the whole datagram is no fragment
                frames.append(v4Fragment(udpDatagram, start, alignedEnd, more: alignedEnd != 208))
                covered = max(covered, alignedEnd)
            }
            frames += frames.prefix(Int.random(in: 0...2, using: &generator))
            frames.shuffle(using: &generator)
            var r = FragmentReassembler()
            var completed: [UInt8]?
            for frame in frames {
                let fed = feed(&r, frame)
                if let d = fed.datagram { completed = d; break }
            }
            #expect(completed == udpDatagram, "round \(round)")
            #expect(r.stats.inconsistentOverlaps == 0)
        }
    }

    @Test func timeoutGivesUpOldDatagrams() {
        let fragments = Build.ipv4Fragments(udpDatagram, fragmentSize: 64)
        var r = FragmentReassembler()
        _ = feed(&r, fragments[0], at: 0)
        _ = feed(&r, fragments[1], at: 29_000_000_000)
        #expect(r.stats.timedOut == 0)
        let (results, datagram) = feedAll(&r, [fragments[2], fragments[3]], at: 31_000_000_000)
        #expect(r.stats.timedOut == 1)
        #expect(results == [.pending, .pending] && datagram == nil)

        var patient = FragmentReassembler(limits: { var l = ReassemblyLimits(); l.timeoutNs = 0; return l }())
        _ = feed(&patient, fragments[0], at: 0)
        let late = feedAll(&patient, Array(fragments.dropFirst()), at: 1_000_000_000_000_000)
        #expect(late.1 == udpDatagram)

        r.expire(at: 100_000_000_000)
        #expect(r.pendingDatagrams == 0 && r.bufferedBytes == 0 && r.stats.timedOut == 2)
    }

    @Test func datagramLimitEvictsTheOldest() {
        var limits = ReassemblyLimits()
        limits.maxDatagrams = 2
        var r = FragmentReassembler(limits: limits)
        let byID = (1...3).map { id in
            Build.ipv4Fragments(Build.udp("192.0.2.1", 5000, "192.0.2.2", 6000, payload: pattern, ipID: UInt16(id)), fragmentSize: 64)
        }
        for fragments in byID { #expect(feed(&r, fragments[0]).result == .pending) }
        #expect(r.stats.droppedForLimits == 1 && r.pendingDatagrams == 2)
        let third = feedAll(&r, Array(byID[2].dropFirst()))
        #expect(third.0.last == .complete(fragments: 4))
        let first = feedAll(&r, Array(byID[0].dropFirst()))
        #expect(first.1 == nil, "the evicted datagram lost its first fragment")
    }

    @Test func byteLimitEvictsAndDrops() {
        var limits = ReassemblyLimits()
        limits.maxBytes = 300
        var r = FragmentReassembler(limits: limits)
        let fragments = Build.ipv4Fragments(udpDatagram, fragmentSize: 64)
        let (results, _) = feedAll(&r, Array(fragments.prefix(3)))
        #expect(results == [.pending, .pending, .dropped("reassembly limits")])
        #expect(r.stats.droppedForLimits == 1 && r.pendingDatagrams == 0 && r.bufferedBytes == 0)
    }

    @Test func garbageIsDropped() {
        func fragment(offset8: UInt16, length: Int, more: Bool, id: UInt16 = 9) -> [UInt8] {
            Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", protocol: 17, payload: Array(repeating: 1, count: length), id: id,
                       moreFragments: more, fragmentOffset8: offset8)
        }
        var r = FragmentReassembler()
        #expect(feed(&r, fragment(offset8: 8191, length: 100, more: false)).result == .dropped("fragment past the largest datagram"))
        #expect(feed(&r, fragment(offset8: 8188, length: 11, more: false)).result == .pending, "ends at 65515: the largest datagram")
        #expect(feed(&r, fragment(offset8: 8188, length: 16, more: true)).result == .dropped("fragment past the largest datagram"))
        #expect(r.pendingDatagrams == 0, "the datagram was given up")
        #expect(feed(&r, fragment(offset8: 1, length: 13, more: true)).result == .dropped("fragment length not a multiple of 8"))
        #expect(feed(&r, fragment(offset8: 1, length: 0, more: true)).result == .dropped("fragment length not a multiple of 8"))
        #expect(feed(&r, udpDatagram).result == .dropped("not a fragment"))

        // Last fragments that disagree, and data past the end.
        #expect(feed(&r, v4Fragment(udpDatagram, 96, 208, more: false)).result == .pending)
        #expect(feed(&r, v4Fragment(udpDatagram, 96, 200, more: false)).result == .dropped("last fragments disagree on the datagram length"))
        #expect(feed(&r, v4Fragment(udpDatagram, 0, 64, more: true)).result == .pending)
        #expect(feed(&r, v4Fragment(udpDatagram, 32, 48, more: false)).result == .dropped("fragment data past the end of the datagram"))
        #expect(feed(&r, v4Fragment(udpDatagram, 96, 112, more: false)).result == .pending)
        #expect(feed(&r, v4Fragment(udpDatagram, 64, 200, more: true)).result == .dropped("fragment data past the end of the datagram"))

        // A fragment cut by the snap length gives up its datagram.
        let fragments = Build.ipv4Fragments(udpDatagram, fragmentSize: 64)
        #expect(feed(&r, fragments[0]).result == .pending)
        #expect(feed(&r, Array(fragments[1].dropLast(5))).result == .dropped("fragment not captured in full"))
        #expect(r.pendingDatagrams == 0 && r.bufferedBytes == 0)
        #expect(r.stats.droppedInvalid == 8)
    }

    /// Fragments each within the largest datagram for their own header, but not with the
    /// first fragment's longer header: given up, not a 16-bit overflow.
    @Test func theFirstFragmentsHeaderCountsTowardsTheLargestDatagram() {
        var r = FragmentReassembler()
        var results: [ReassemblyResult] = []
        for start in stride(from: 0, to: 64000, by: 8000) {
            results.append(feed(&r, Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", protocol: 17, payload: Array(repeating: 1, count: 8000),
                                               id: 5, moreFragments: true, fragmentOffset8: UInt16(start / 8),
                                               options: start == 0 ? Array(repeating: 1, count: 40) : [])).result)
        }
        results.append(feed(&r, Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", protocol: 17, payload: Array(repeating: 1, count: 1515),
                                           id: 5, fragmentOffset8: 8000)).result)
        #expect(results.dropLast().allSatisfy { $0 == .pending })
        #expect(results.last == .dropped("fragment past the largest datagram"))
        #expect(r.pendingDatagrams == 0 && r.bufferedBytes == 0)
    }

    /// Random headers and lengths: no crash, no memory past the limit.
    @Test func randomFragmentsNeverCrash() {
        var generator = SplitMix64.forTest()
        var limits = ReassemblyLimits()
        limits.maxBytes = 1 << 20
        limits.maxDatagrams = 64
        var r = FragmentReassembler(limits: limits)
        for i in 0..<5000 {
            let length = Int.random(in: 0...600, using: &generator)
            let more = Bool.random(using: &generator)
            let offset8 = UInt16.random(in: 0...8191, using: &generator) & (Bool.random(using: &generator) ? 0x1FFF : 0x3F)
            var frame = Build.ipv4(src: "192.0.2.1", dst: "192.0.2.\(Int.random(in: 1...3, using: &generator))", protocol: 17,
                                   payload: (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) },
                                   id: UInt16.random(in: 0...20, using: &generator), moreFragments: more || offset8 == 0,
                                   fragmentOffset8: offset8)
            if Int.random(in: 0..<10, using: &generator) == 0 { frame = Array(frame.prefix(Int.random(in: 0...frame.count, using: &generator))) }
            _ = feed(&r, frame, at: Int64(i) * 10_000_000)
            #expect(r.bufferedBytes <= limits.maxBytes)
            #expect(r.pendingDatagrams <= limits.maxDatagrams)
        }
        r.expireAll()
        #expect(r.pendingDatagrams == 0 && r.bufferedBytes == 0)
    }

    @Test func ipv4OptionsComeFromTheFirstFragment() {
        let segment = Build.udpHeader(sport: 1, dport: 2, payload: pattern, pseudoSrc: "192.0.2.1", pseudoDst: "192.0.2.2")
        // Router alert (copied) and record route (not copied).
        let datagram = Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", protocol: 17, payload: segment, id: 3,
                                  options: [0x94, 0x04, 0, 0, 0x07, 0x07, 0x04, 0, 0, 0, 0])
        let fragments = Build.ipv4Fragments(datagram, fragmentSize: 64)
        #expect(fragments[1][0] & 0x0F == 6 && fragments[0][0] & 0x0F == 8)
        var r = FragmentReassembler()
        let (_, reassembled) = feedAll(&r, fragments.reversed())
        #expect(reassembled == datagram)
    }

    @Test func ipv6InAnyOrder() {
        let datagram = Build.udp("2001:db8::1", 5000, "2001:db8::2", 6000, payload: pattern + pattern)
        let fragments = Build.ipv6Fragments(datagram, fragmentSize: 128, id: 0xDEAD_BEEF)
        #expect(fragments.count == 4)
        for order in [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]] {
            var r = FragmentReassembler()
            let (results, reassembled) = feedAll(&r, order.map { fragments[$0] })
            #expect(results.last == .complete(fragments: 4))
            #expect(reassembled == datagram, "order \(order)")
        }
    }

    @Test func ipv6ExtensionHeadersBeforeAndAfterTheFragmentHeader() {
        let src = "2001:db8::1", dst = "2001:db8::2"
        let segment = Build.udpHeader(sport: 1, dport: 2, payload: pattern, pseudoSrc: src, pseudoDst: dst)
        // Hop-by-hop before the Fragment header (unfragmentable), destination options after it.
        let hopByHop = { (next: UInt8) in Build.ipv6Extension(nextHeader: next, body: [5, 2, 0, 0, 1, 0]) }
        let destination = Build.ipv6Extension(nextHeader: 17, body: [1, 4, 0, 0, 0, 0])
        let fragmentable = destination + segment
        let datagram = Build.ipv6(src: src, dst: dst, nextHeader: 0, payload: hopByHop(60) + fragmentable)
        var frames: [[UInt8]] = []
        for start in stride(from: 0, to: fragmentable.count, by: 64) {
            let end = min(start + 64, fragmentable.count)
            frames.append(Build.ipv6(src: src, dst: dst, nextHeader: 0,
                                     payload: hopByHop(44) + Build.ipv6Fragment(nextHeader: 60, offset8: UInt16(start / 8),
                                                                                more: end < fragmentable.count, id: 77)
                                         + fragmentable[start..<end]))
        }
        var first = DecodedPacket()
        frames[0].withUnsafeBytes { PacketDecoder.decode($0, linkType: .raw, into: &first) }
        #expect(first.ipProtocol == 17 && first.isFragment, "the first fragment is keyed by the Fragment header's next header, not 17")
        var r = FragmentReassembler()
        let (results, reassembled) = feedAll(&r, frames.reversed())
        #expect(results.last == .complete(fragments: frames.count))
        #expect(reassembled == datagram)
        var decoded = DecodedPacket()
        reassembled?.withUnsafeBytes { PacketDecoder.decodeReassembled($0, into: &decoded) }
        #expect(decoded.kind == .ip && !decoded.isFragment && decoded.ipProtocol == 17 && decoded.destinationPort == 2)
        #expect(decoded.ipLength == datagram.count && decoded.payloadLength == pattern.count)
    }

    @Test func ipv6GarbageIsDropped() {
        let datagram = Build.udp("2001:db8::1", 5000, "2001:db8::2", 6000, payload: pattern)
        var fragments = Build.ipv6Fragments(datagram, fragmentSize: 64, id: 5)
        var r = FragmentReassembler()
        // Offset 8191 * 8 with 64 bytes: past 65535 bytes of payload.
        var far = fragments[1]
        far[42] = 0xFF
        far[43] = 0xF9
        #expect(feed(&r, far).result == .dropped("fragment past the largest datagram"))
        fragments[1] = Array(fragments[1].dropLast(1))
        #expect(feed(&r, fragments[1]).result == .dropped("fragment not captured in full"))
    }
}

// MARK: - Corpus: fragmented DNS answers

private let reassemblyCorpus = SharedCorpus.path

/// Whether a whole IPv4/IPv6 UDP datagram (no extension headers) has a right UDP checksum
/// and a UDP length equal to its IP payload length.
private func udpDatagramIsConsistent(_ d: [UInt8]) -> Bool {
    let v6 = d[0] >> 4 == 6
    let headerLength = v6 ? 40 : Int(d[0] & 0x0F) * 4
    let udp = Array(d[headerLength...])
    guard udp.count >= 8, Int(udp[4]) << 8 | Int(udp[5]) == udp.count else { return false }
    let src = v6 ? Array(d[8..<24]) : Array(d[12..<16])
    let dst = v6 ? Array(d[24..<40]) : Array(d[16..<20])
    if !v6 && udp[6] == 0 && udp[7] == 0 { return true }
    return Build.internetChecksum(udp, adding: Build.pseudoHeaderSum(src: src, dst: dst, protocol: 17, upperLayerLength: udp.count)) == 0
}

/// UDP flows (packets per flow) after reassembly, the reassembled datagrams, and the IP
/// payload lengths of the UDP packets in the order they were seen.
private struct ReassemblyScan {
    var udpFlows: [TunnelFlowKey: Int] = [:]
    var datagrams: [[UInt8]] = []
    var udpPayloadLengths: [Int] = []
    var stats = ReassemblyStats()
}

private func scanWithReassembly(_ name: String) throws -> ReassemblyScan {
    let reader = try CaptureReader.open(path: reassemblyCorpus + "/captures/" + name)
    var scan = ReassemblyScan()
    var reassembler = FragmentReassembler()
    var packet = DecodedPacket()
    var whole = DecodedPacket()
    func count(_ p: DecodedPacket) {
        guard p.kind == .ip, p.ipProtocol == 17, p.hasPorts else { return }
        scan.udpFlows[TunnelFlowKey(17, p.source, p.sourcePort, p.destination, p.destinationPort), default: 0] += 1
        scan.udpPayloadLengths.append(p.ipLength - (p.ipVersion == 6 ? 40 : 20))
    }
    _ = reader.forEachPacket { header, bytes in
        PacketDecoder.decode(bytes, linkType: header.linkType, into: &packet)
        guard packet.kind == .ip else { return }
        guard packet.isFragment else { return count(packet) }
        _ = reassembler.add(packet, frame: bytes, at: header.timestampNs) { datagram in
            scan.datagrams.append(Array(datagram))
            PacketDecoder.decodeReassembled(datagram, into: &whole)
            count(whole)
        }
    }
    scan.stats = reassembler.stats
    return scan
}

/// tshark's UDP conversations: flow → total frames.
private func tsharkUDPConversations(_ name: String) throws -> [TunnelFlowKey: Int] {
    let text = try String(contentsOfFile: reassemblyCorpus + "/refs/generated/" + name + ".tshark-conv.txt", encoding: .utf8)
    func endpoint(_ text: Substring) -> (IPAddress, UInt16)? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]),
              let address = IPAddress(String(text[..<colon])) else { return nil }
        return (address, port)
    }
    var flows: [TunnelFlowKey: Int] = [:]
    var inUDP = false
    for line in text.split(separator: "\n") {
        if line.hasPrefix("UDP Conversations") { inUDP = true; continue }
        if line.hasPrefix("====") && inUDP && !flows.isEmpty { break }
        guard inUDP else { continue }
        let words = line.split(separator: " ")
        guard words.count >= 10, words[1] == "<->", let x = endpoint(words[0]), let y = endpoint(words[2]),
              let frames = Int(words[9]) else { continue }
        flows[TunnelFlowKey(17, x.0, x.1, y.0, y.1)] = frames
    }
    return flows
}

@Suite(.enabled(if: SharedCorpus.isPresent, "needs ../shared/corpus next to the package"))
struct ReassemblyCorpusTests {
    @Test(arguments: ["ndpi__dns_fragmented.pcap", "zeek__ipv6-fragmented-dns.pcap"])
    func fragmentedDNSMatchesTshark(_ name: String) throws {
        let scan = try scanWithReassembly(name)
        let reference = try tsharkUDPConversations(name)
        #expect(!reference.isEmpty && !scan.datagrams.isEmpty)
        #expect(scan.udpFlows == reference,
                "\(name)\n ours: \(scan.udpFlows.sorted { $0.key < $1.key })\n tshark: \(reference.sorted { $0.key < $1.key })")
        for datagram in scan.datagrams {
            #expect(udpDatagramIsConsistent(datagram), "\(name): a reassembled datagram has a wrong UDP length or checksum")
            // DNS answers from port 53.
            let headerLength = datagram[0] >> 4 == 6 ? 40 : Int(datagram[0] & 0x0F) * 4
            #expect(datagram[headerLength] == 0 && datagram[headerLength + 1] == 53)
        }
        #expect(scan.stats.completed == scan.datagrams.count && scan.stats.inconsistentOverlaps == 0)
    }

    /// Zeek's ipv6-frag test prints every UDP packet's IPv6 header after reassembly: the lone
    /// last fragment of one answer is never delivered, the three fragments of the other are one
    /// packet of payload length 3238 with no extension headers left.
    @Test func ipv6FragmentsMatchZeek() throws {
        let name = "zeek__ipv6-fragmented-dns.pcap"
        let output = try String(contentsOfFile: reassemblyCorpus + "/refs/" + name + ".zeek-core.ipv6-frag.output", encoding: .utf8)
        let zeekLengths = output.split(separator: "\n").compactMap { line -> Int? in
            guard let range = line.range(of: #"len=\d+"#, options: .regularExpression) else { return nil }
            return Int(line[range].dropFirst(4))
        }
        let scan = try scanWithReassembly(name)
        #expect(zeekLengths == [81, 331, 82, 82, 3238])
        #expect(scan.udpPayloadLengths == zeekLengths)
        #expect(scan.datagrams.count == 1)
        if let datagram = scan.datagrams.first {
            #expect(datagram.count == 40 + 3238 && datagram[6] == 17)
        }
        #expect(scan.stats.completed == 1)
    }
}
