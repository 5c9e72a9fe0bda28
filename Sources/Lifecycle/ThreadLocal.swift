#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// One value per thread (a database connection, the request id), for a thread-per-request
/// server: reading or replacing the calling thread's value takes no lock.
///
/// A thread's value is released when the thread exits. When the `ThreadLocal` itself goes
/// (a test's store), it frees its pthread key and releases the values of threads still
/// alive, so neither keys (at most 1,024 per process) nor values (open connections) pile
/// up. `onRelease` runs for every value released, replaced or cleared (to close a
/// connection).
///
/// Each thread's value sits in a `Slot`, made on the thread's first use. The key holds an
/// unretained pointer to it; `SlotRegistry` (one lock for every thread-local, taken only when
/// a slot is made or ends) owns the slots. A thread's exit and the thread-local's end may
/// come at once: whichever takes the slot out of the registry releases it, so never twice.
public final class ThreadLocal<Value: AnyObject>: @unchecked Sendable {
    private let key: pthread_key_t
    private let onRelease: @Sendable (Value) -> Void

    /// Fails only when the process is out of pthread keys.
    public init(onRelease: @escaping @Sendable (Value) -> Void = { _ in }) throws(ThreadError) {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { raw in
            if let raw { SlotRegistry.threadExited(raw) }
        }
        guard status == 0 else { throw ThreadError(call: "pthread_key_create", status: status) }
        self.key = key
        self.onRelease = onRelease
    }

    deinit {
        pthread_key_delete(key)
        for slot in SlotRegistry.removeAll(ownedBy: ObjectIdentifier(self)) { slot.clear() }
    }

    /// The calling thread's value; setting it releases the one it replaces.
    public var value: Value? {
        get {
            guard let raw = pthread_getspecific(key) else { return nil }
            return Unmanaged<Slot<Value>>.fromOpaque(raw).takeUnretainedValue().value
        }
        set {
            let slot: Slot<Value>
            if let raw = pthread_getspecific(key) {
                slot = Unmanaged<Slot<Value>>.fromOpaque(raw).takeUnretainedValue()
            } else {
                guard newValue != nil else { return }
                slot = Slot(owner: ObjectIdentifier(self), release: onRelease)
                SlotRegistry.add(slot)
                pthread_setspecific(key, Unmanaged.passUnretained(slot).toOpaque())
            }
            let old = slot.value
            slot.value = newValue
            if let old, old !== newValue { onRelease(old) }
        }
    }
}

/// What the registry knows of a slot: whose it is, and how to release its value.
private class AnySlot: @unchecked Sendable {
    let owner: ObjectIdentifier
    init(owner: ObjectIdentifier) { self.owner = owner }
    func clear() {}
    var address: UInt { UInt(bitPattern: Unmanaged.passUnretained(self).toOpaque()) }
}

/// One thread's value of one `ThreadLocal`. `value` is read and written by that thread only,
/// or, once the slot is out of the registry, by whoever took it out.
private final class Slot<Value: AnyObject>: AnySlot, @unchecked Sendable {
    var value: Value?
    let release: @Sendable (Value) -> Void

    init(owner: ObjectIdentifier, release: @escaping @Sendable (Value) -> Void) {
        self.release = release
        super.init(owner: owner)
    }

    override func clear() {
        if let value { release(value) }
        value = nil
    }
}

/// Owns every slot of every thread-local, by address: a pointer a key still holds may name
/// a slot already released, so it is looked up here, never followed.
private enum SlotRegistry {
    static let live = Mutex<[UInt: AnySlot]>([:])

    static func add(_ slot: AnySlot) {
        live.withLock { $0[slot.address] = slot }
    }

    static func removeAll(ownedBy owner: ObjectIdentifier) -> [AnySlot] {
        live.withLock { live in
            let mine = live.values.filter { $0.owner == owner }
            for slot in mine { live[slot.address] = nil }
            return mine
        }
    }

    /// The key's destructor: the thread is exiting.
    static func threadExited(_ raw: UnsafeMutableRawPointer) {
        live.withLock { $0.removeValue(forKey: UInt(bitPattern: raw)) }?.clear()
    }
}
