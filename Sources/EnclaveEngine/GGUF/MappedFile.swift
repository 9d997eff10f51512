// Enclave: read-only memory mapping of a file.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory. Pages are loaded on demand by the OS and shared
/// with the page cache, so a model is never copied into the heap.
public final class MappedFile: @unchecked Sendable {
    // Immutable after init; the mapping is read-only, so sharing across threads is safe.
    /// The path the file was opened from.
    public let path: String
    /// The first byte of the mapping.
    public let base: UnsafeRawPointer
    /// The file size in bytes.
    public let count: Int

    /// Maps `path` read-only.
    /// - Throws: ``GGUFError`` with code `cannotOpen` if the file cannot be opened or mapped, or is not a
    ///   regular file (a FIFO, a device or a directory is refused at once, before any read).
    public init(path: String) throws {
        self.path = path
        // O_NONBLOCK: opening a FIFO without a writer would otherwise block forever, before the fstat below
        // can refuse it. It has no effect on a regular file.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw GGUFError(.cannotOpen, "cannot open (\(String(cString: strerror(errno))))", file: path)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw GGUFError(.cannotOpen, "cannot stat (\(String(cString: strerror(errno))))", file: path)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw GGUFError(.cannotOpen, "not a regular file (a model must be a GGUF file, not a FIFO, device or directory)", file: path)
        }
        let size = Int(st.st_size)
        guard size > 0 else {
            throw GGUFError(.truncated, "the file is empty", file: path)
        }
        let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let pointer, pointer != MAP_FAILED else {
            throw GGUFError(.cannotOpen, "cannot map (\(String(cString: strerror(errno))))", file: path)
        }
        self.base = UnsafeRawPointer(pointer)
        self.count = size
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), count)
    }

    /// Asks the OS to read the range ahead of use.
    public func adviseWillNeed(offset: Int = 0, length: Int? = nil) {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = offset - offset % pageSize
        let len = min(length ?? count, count - start)
        madvise(UnsafeMutableRawPointer(mutating: base + start), len, MADV_WILLNEED)
    }
}
