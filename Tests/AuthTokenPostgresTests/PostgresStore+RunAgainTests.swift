import AuthTokenPostgres
import Foundation
import Testing

/// A write the server went away under (a failover, a switchover) runs again on a new
/// connection instead of failing, and only when running it again cannot make it happen
/// twice (docs/ha.md).
extension PostgresServerTests {
    /// Nothing commits before COMMIT: a transaction whose connection was ended under it
    /// runs again, whole, on a new connection, and its row is there once.
    @Test func aTransactionCutOffBeforeCommitRunsAgain() throws {
        let store = try PostgresStore(url: try TestDatabase.url())
        defer { store.closeThreadConnection() }
        let table = TestDatabase.uniqueName("again")
        _ = try store.read { try $0.execute("CREATE TABLE \(table) (x int)") }
        let other = try TestDatabase.connect()
        defer { other.close() }
        var runs = 0
        let answer = try store.transaction { c -> Int in
            runs += 1
            if runs == 1 { _ = try other.execute("SELECT pg_terminate_backend(\(c.backendPID))") }
            try c.executePrepared("INSERT INTO \(table) VALUES (1)")
            return runs
        }
        #expect(answer == 2)
        #expect(try store.read { try $0.execute("SELECT count(*) FROM \(table)").first?.int64(0) } == 1)
        _ = try store.read { try $0.execute("DROP TABLE \(table)") }
    }

    /// The connection dies during COMMIT (a deferred trigger ends its own backend the first
    /// time, so that COMMIT never lands): `landed` is asked, says no, and the transaction
    /// runs again; the row is there once.
    @Test func aCommitThatDidNotLandRunsAgain() throws {
        let store = try PostgresStore(url: try TestDatabase.url())
        defer { store.closeThreadConnection() }
        let table = TestDatabase.uniqueName("commit")
        _ = try store.read { c in
            try c.execute("CREATE TABLE \(table) (x int)")
            try c.execute("CREATE SEQUENCE \(table)_once")
            try c.execute("""
                CREATE FUNCTION \(table)_die() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF nextval('\(table)_once') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
                    RETURN NULL;
                END $$
                """)
            try c.execute("""
                CREATE CONSTRAINT TRIGGER \(table)_die AFTER INSERT ON \(table)
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION \(table)_die()
                """)
        }
        var runs = 0
        var asked: [Int] = []
        let answer = try store.transaction({ c -> Int in
            runs += 1
            try c.executePrepared("INSERT INTO \(table) VALUES ($1)", [runs])
            return runs
        }, landed: { c, value in
            asked.append(value)
            return try c.execute("SELECT count(*) FROM \(table) WHERE x = \(value)").first?.int64(0) == 1
        })
        #expect(asked == [1])
        #expect(answer == 2)
        #expect(try store.read { try $0.execute("SELECT x FROM \(table)").map { try $0.int64(0) } } == [2])
        _ = try store.read { c in
            try c.execute("DROP TABLE \(table)")
            try c.execute("DROP FUNCTION \(table)_die()")
            try c.execute("DROP SEQUENCE \(table)_once")
        }
    }

    /// When `landed` finds the change, the value the cut-off transaction computed is the
    /// answer, and nothing runs again (a create is not made twice).
    @Test func aCommitThatLandedIsAnsweredAsIs() throws {
        let store = try PostgresStore(url: try TestDatabase.url())
        defer { store.closeThreadConnection() }
        let other = try TestDatabase.connect()
        defer { other.close() }
        var runs = 0
        let answer = try store.transaction({ c -> Int in
            runs += 1
            // Ended between the body and COMMIT: COMMIT meets a dead connection.
            _ = try other.execute("SELECT pg_terminate_backend(\(c.backendPID))")
            Thread.sleep(forTimeInterval: 0.2)
            return 40 + runs
        }, landed: { _, value in value == 41 })
        #expect(runs == 1)
        #expect(answer == 41)
    }
}
