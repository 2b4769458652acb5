@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

// SSH identification strings (RFC 4253 §4.2) as Zeek's ssh.log shows them, the lines a
// server may send first, SSH-1.x banners, every cut, and seeded garbage; and the key-exchange
// end that makes Zeek confirm `ssh` (SSHConfirmation).

@Suite struct SSHBannerTests {
    private func banner(_ bytes: [UInt8], lines: Bool = true) -> ParseProgress<String> {
        withRaw(bytes) { SSHBanner.parse(stream: $0, allowLinesBefore: lines) }
    }

    @Test func plainBanners() throws {
        let (value, consumed) = try #require(doneValue(banner(textBytes("SSH-2.0-OpenSSH_9.7\r\n\u{0}\u{0}\u{1}"))))
        #expect(value == "SSH-2.0-OpenSSH_9.7" && consumed == 21)
        let withComment = try #require(doneValue(banner(textBytes("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u5\n"))))
        #expect(withComment.0 == "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u5" && withComment.1 == 39)
        #expect(try #require(doneValue(banner(textBytes("SSH-1.99-OpenSSH_3.9p1\r\n")))).0 == "SSH-1.99-OpenSSH_3.9p1")
        #expect(try #require(doneValue(banner(textBytes("SSH-1.5-1.2.26\n")))).0 == "SSH-1.5-1.2.26")
        // Bytes Zeek does not print: \xHH.
        #expect(try #require(doneValue(banner([0x53, 0x53, 0x48, 0x2D, 0x32, 0x2E, 0x30, 0x2D, 0x61, 0x01, 0x62, 0x0D, 0x0A]))).0
                == "SSH-2.0-a\\x01b")
    }

    @Test func serverLinesBeforeTheBanner() throws {
        let text = "Welcome to the machine\r\nNo access without permission\r\n\r\nSSH-2.0-X_1\r\n"
        let (value, consumed) = try #require(doneValue(banner(textBytes(text))))
        #expect(value == "SSH-2.0-X_1" && consumed == text.utf8.count)
        // A client must start with its banner.
        #expect(isNotThis(banner(textBytes(text), lines: false)))
        // "ssh-" in lower case is not a banner (binpac RE/SSH-.*/).
        #expect(isNotThis(banner(textBytes("ssh-2.0-x\r\n"), lines: false)))
        // Too many lines before it.
        let many = String(repeating: "x\r\n", count: SSHBanner.maxLinesBefore + 1) + "SSH-2.0-late\r\n"
        #expect(isNotThis(banner(textBytes(many))))
        let enough = String(repeating: "x\r\n", count: SSHBanner.maxLinesBefore) + "SSH-2.0-late\r\n"
        #expect(try #require(doneValue(banner(textBytes(enough)))).0 == "SSH-2.0-late")
    }

    @Test func everyCutNeedsMore() {
        for (text, lines) in [("SSH-2.0-OpenSSH_7.4\r\n", false), ("pre\r\nbanner\nSSH-1.99-x\r\n", true)] {
            let bytes = textBytes(text)
            for cut in 0..<bytes.count {
                let progress = banner(Array(bytes[..<cut]), lines: lines)
                #expect(isNeedMore(progress), "cut at \(cut): \(progress)")
            }
            #expect(doneValue(banner(bytes, lines: lines))?.1 == bytes.count)
        }
    }

    @Test func randomGarbageNeverTraps() {
        var random = SplitMix64.forTest()
        for _ in 0..<3000 {
            let bytes = randomBytes(Int(random.next() % 200), &random)
            for lines in [false, true] {
                if case .done(_, let consumed) = banner(bytes, lines: lines) { #expect(consumed <= bytes.count) }
            }
            _ = withRaw(bytes) { SSHConfirmation.sawKeyExchangeEnd($0, from: 0, version: 2, fromClient: true) }
            _ = withRaw(bytes) { SSHConfirmation.sawKeyExchangeEnd($0, from: 0, version: 1, fromClient: true) }
        }
    }

    @Test func versionAgreementAsZeek() {
        func agreed(_ c: String, _ s: String) -> Int? {
            withRaw(textBytes(c)) { cb in withRaw(textBytes(s)) { SSHConfirmation.agreedVersion(client: cb, server: $0) } }
        }
        #expect(agreed("SSH-2.0-a", "SSH-2.0-b") == 2)
        #expect(agreed("SSH-2.0-a", "SSH-1.99-b") == 2)
        #expect(agreed("SSH-1.99-a", "SSH-1.99-b") == 2)
        #expect(agreed("SSH-1.5-a", "SSH-1.99-b") == 1)
        #expect(agreed("SSH-1.5-a", "SSH-2.0-b") == nil)
    }

    @Test func newKeysEndsTheKeyExchange() throws {
        // SSH2 packets: length (4), padding length, type, padding. KEXINIT(20) with 4 padding
        // bytes: length 6; then NEWKEYS(21).
        let kexinit: [UInt8] = [0, 0, 0, 6, 4, 20, 0, 0, 0, 0]
        let newkeys: [UInt8] = [0, 0, 0, 6, 4, 21, 0, 0, 0, 0]
        let (saw, consumed) = try #require(doneValue(withRaw(kexinit + newkeys) {
            SSHConfirmation.sawKeyExchangeEnd($0, from: 0, version: 2, fromClient: false)
        }))
        #expect(saw && consumed == 20)
        #expect(isNeedMore(withRaw(kexinit + newkeys.prefix(5)) {
            SSHConfirmation.sawKeyExchangeEnd($0, from: 0, version: 2, fromClient: false)
        }))
        // SSH1: length 5 → 3 padding bytes, then the type: SSH_CMSG_SESSION_KEY (3) from the client.
        let session: [UInt8] = [0, 0, 0, 5, 0, 0, 0, 3, 0, 0, 0, 0, 0]
        #expect(doneValue(withRaw(session) { SSHConfirmation.sawKeyExchangeEnd($0, from: 0, version: 1, fromClient: true) })?.1 == 12)
        #expect(doneValue(withRaw(session) { SSHConfirmation.sawKeyExchangeEnd($0, from: 0, version: 1, fromClient: false) }) == nil)
    }
}
