import AuthTokenStore
import Foundation
import Testing

/// The last directory sync: one record, replaced by the next, the same on every backend.
@Suite struct DirectorySyncContractTests {
    @Test(arguments: Backend.allCases)
    func theLastSyncIsOneRecordReplacedByTheNext(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            #expect(try store.lastDirectorySync() == nil)
            let refused = DirectorySyncRecord(at: at(60), outcome: .refused, checked: 10, deactivated: 7, reactivated: 0,
                                              adminChanges: 1)
            try store.recordDirectorySync(refused)
            #expect(try store.lastDirectorySync() == refused)
            let failed = DirectorySyncRecord(at: at(120), outcome: .failed, errorClass: "DirectoryUnavailable")
            try store.recordDirectorySync(failed)
            #expect(try store.lastDirectorySync() == failed)
            // A time with a fraction is kept in whole seconds, like every time in the store.
            let applied = DirectorySyncRecord(at: at(180).addingTimeInterval(0.75), outcome: .applied, checked: 3,
                                              deactivated: 1, reactivated: 2, adminChanges: 0)
            try store.recordDirectorySync(applied)
            var whole = applied
            whole.at = at(180)
            #expect(try store.lastDirectorySync() == whole)
        }
    }
}
