extension HTTPCheckServer {
    public struct Configuration: Sendable {
        public var address: HTTPListenAddress
        /// Worker threads: each takes one ready connection at a time, reads its request,
        /// runs the handler (which may wait on the store) and writes the answer. Idle kept
        /// connections hold no thread.
        public var threads: Int
        /// Open connections at most; more are answered 503 and closed at once.
        public var maxConnections: Int
        /// A kept connection with nothing sent for this long is closed.
        public var idleTimeout: Double
        /// A request head must be complete this long after its first byte (slow clients).
        public var headerTimeout: Double
        /// An answer that cannot be written within this long ends its connection.
        public var writeTimeout: Double
        /// Seconds in-flight requests get to finish after a stop.
        public var shutdownGrace: Double
        public var limits: HTTPLimits
        public var backlog: Int32

        public init(
            address: HTTPListenAddress, threads: Int = 8, maxConnections: Int = 1024, idleTimeout: Double = 60,
            headerTimeout: Double = 10, writeTimeout: Double = 10, shutdownGrace: Double = 5,
            limits: HTTPLimits = HTTPLimits(), backlog: Int32 = 1024
        ) {
            self.address = address
            self.threads = max(1, threads)
            self.maxConnections = max(1, maxConnections)
            self.idleTimeout = idleTimeout
            self.headerTimeout = headerTimeout
            self.writeTimeout = writeTimeout
            self.shutdownGrace = shutdownGrace
            self.limits = limits
            self.backlog = backlog
        }
    }
}
