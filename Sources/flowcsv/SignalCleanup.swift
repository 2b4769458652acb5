#if canImport(Glibc)
import Glibc
#endif

/// Removes the temporary output file when the run is interrupted (SIGINT, SIGTERM, SIGHUP),
/// so an interrupted `-o FILE` run leaves neither a partial file nor a stray temporary one.
enum SignalCleanup {
    /// The path as a C string, kept for the handler (which may only make async-signal-safe calls).
    nonisolated(unsafe) private static var path: UnsafeMutablePointer<CChar>?

    static func removeOnInterrupt(_ temporary: String) {
        path = strdup(temporary)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { sig in
                if let p = SignalCleanup.path { unlink(p) }
                // Die of the same signal, so the parent sees how the run ended.
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }

    /// The output was renamed into place: nothing to remove any more.
    static func disarm() {
        for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, SIG_DFL) }
        if let p = path { free(p) }
        path = nil
    }
}
