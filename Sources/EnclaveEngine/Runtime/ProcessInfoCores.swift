// Enclave: the number of usable CPU cores.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum ProcessInfoCores {
    /// Online processors.
    static var count: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
}
