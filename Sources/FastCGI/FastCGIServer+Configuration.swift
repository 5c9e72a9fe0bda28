extension FastCGIServer {
    public struct Configuration: Sendable {
        public var address: ListenAddress
        /// Worker threads; each holds one connection at a time.
        public var threads: Int
        /// Larger bodies get 413 without reaching the handler.
        public var maxBodyBytes: Int
        public var backlog: Int32
        /// Seconds in-flight requests get to finish after a stop.
        public var shutdownGrace: Double
        /// The nice value of the worker threads (0: as the process). A server whose work
        /// may wait gives way to one whose answers must not (the token check).
        public var niceness: Int32

        public init(
            address: ListenAddress, threads: Int = 32, maxBodyBytes: Int = 64 * 1024,
            backlog: Int32 = 1024, shutdownGrace: Double = 5, niceness: Int32 = 0
        ) {
            self.address = address
            self.threads = max(1, threads)
            self.maxBodyBytes = maxBodyBytes
            self.backlog = backlog
            self.shutdownGrace = shutdownGrace
            self.niceness = niceness
        }
    }
}
