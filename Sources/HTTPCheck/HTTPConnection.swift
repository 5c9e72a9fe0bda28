/// One accepted connection. It belongs to whoever holds it: the epoll set while it waits
/// (`busy` false), or the one worker that took its readiness event (`busy` true). Only the
/// holder touches `buffer` and `scanned`; `busy` and `deadline` are read and written under
/// the server's lock.
final class HTTPConnection {
    let fd: Int32
    /// With `fd`, the key of its epoll events: an event for a closed connection whose fd
    /// number was reused carries the old generation and is ignored.
    let generation: UInt32
    /// Bytes read and not yet answered: the start of the next request (pipelined ones too).
    var buffer: [UInt8] = []
    /// How far `HTTPHead.parse` has looked for the end of the head in `buffer`.
    var scanned = 0
    /// When the waiting connection is closed (monotonic nanoseconds): idle timeout with an
    /// empty buffer, header timeout from a request's first byte otherwise.
    var deadline: UInt64 = 0
    /// When the request in `buffer` began to arrive (0: the buffer is empty).
    var requestStarted: UInt64 = 0
    var busy = false
    /// The client shut its side down: answer what is complete, then close.
    var peerClosed = false

    init(fd: Int32, generation: UInt32) {
        self.fd = fd
        self.generation = generation
    }

    var key: UInt64 { UInt64(UInt32(bitPattern: fd)) | UInt64(generation) << 32 }
}
