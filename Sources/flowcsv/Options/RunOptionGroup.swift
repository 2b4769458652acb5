import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// How a run uses the machine and the terminal.
struct RunOptionGroup: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("Use up to n threads (0: one per CPU core): files are read in parallel, and with at least twice as many jobs as files each file is read and decoded on one thread while its flows are tracked on another (so one large file uses two cores with --jobs 2). The output is byte for byte the same whatever the number.", valueName: "n"))
    var jobs: Int = 1

    @Flag(name: [.short, .long], help: "Don't print warnings about individual files or the summary line (errors are still printed).")
    var quiet = false

    func validate() throws {
        if jobs < 0 { throw ValidationError("--jobs must be 0 (one per core) or a positive number") }
    }

    /// The number of worker threads.
    var workers: Int { jobs == 0 ? max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) : jobs }
}
