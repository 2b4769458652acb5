// Blocking TCP and UDP sockets on 127.0.0.1, for the live-capture tests: the test is both ends.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

struct SocketError: Error, CustomStringConvertible {
    var call: String
    var code: Int32
    var description: String { "\(call): \(String(cString: strerror(code)))" }
}

/// One socket bound to 127.0.0.1 (port 0: the kernel picks one).
final class LoopbackSocket {
    let fd: Int32

    init(tcp: Bool) throws {
        fd = socket(AF_INET, Int32(tcp ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(call: "socket", code: errno) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)  // no test read waits for ever
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = Self.loopback(port: 0)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw SocketError(call: "bind", code: errno) }
    }

    private init(accepted: Int32) { fd = accepted }

    deinit { close() }

    private var closed = false
    func close() {
        if !closed { Glibc.close(fd) }
        closed = true
    }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    /// The port the socket is bound to.
    var port: UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    func listen() throws {
        guard Glibc.listen(fd, 16) == 0 else { throw SocketError(call: "listen", code: errno) }
    }

    func connect(to port: UInt16) throws {
        var address = Self.loopback(port: port)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw SocketError(call: "connect", code: errno) }
    }

    func accept() throws -> LoopbackSocket {
        let client = Glibc.accept(fd, nil, nil)
        guard client >= 0 else { throw SocketError(call: "accept", code: errno) }
        return LoopbackSocket(accepted: client)
    }

    func send(_ bytes: [UInt8]) throws {
        let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        guard n == bytes.count else { throw SocketError(call: "send", code: errno) }
    }

    func send(_ bytes: [UInt8], toPort port: UInt16) throws {
        var address = Self.loopback(port: port)
        let n = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard n == bytes.count else { throw SocketError(call: "sendto", code: errno) }
    }

    /// Reads exactly `count` bytes (TCP) or one datagram of at most `count` bytes (UDP);
    /// for UDP also the sender's port.
    func receive(_ count: Int) throws -> (bytes: [UInt8], port: UInt16) {
        var buffer = [UInt8](repeating: 0, count: max(count, 1))
        var got = 0
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        repeat {
            let n = buffer.withUnsafeMutableBytes { raw in
                withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, raw.baseAddress! + got, raw.count - got, 0, $0, &length)
                    }
                }
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                if n == 0 { break }
                throw SocketError(call: "recv", code: errno)
            }
            got += n
        } while got < count && isStream
        return (Array(buffer[0..<got]), UInt16(bigEndian: address.sin_port))
    }

    /// Waits for the peer's FIN (a read of 0 bytes).
    func waitForEnd() throws {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        guard n == 0 else { throw SocketError(call: "recv (expected the end)", code: n < 0 ? errno : EPROTO) }
    }

    private var isStream: Bool {
        var type: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length)
        return type == Int32(SOCK_STREAM.rawValue)
    }
}
