import AuthTokenWeb
import Foundation
import Testing

@Suite(.serialized) struct LegacyAnswerTests {
    @Test func successIsExactlyFourLinesAndAFinalLF() {
        let body = LegacyAnswer.token("df82957e4c13f2d9a1efd2788bf6baa0").body(date: "Wed Feb 29 03:07:33 PST 2012")
        #expect(body == "#\n#Wed Feb 29 03:07:33 PST 2012\nAUTHTOKEN=df82957e4c13f2d9a1efd2788bf6baa0\nRESULT=TRUE\n")
        #expect(body.split(separator: "\n", omittingEmptySubsequences: false).count == 5)
    }

    @Test func failureIsExactlyFourLinesAndAFinalLF() {
        let body = LegacyAnswer.cause(.invalidPassword).body(date: "Mon Mar 18 15:33:32 PDT 2013")
        #expect(body == "#\n#Mon Mar 18 15:33:32 PDT 2013\nCAUSE=INVALID_PASSWORD\nRESULT=FALSE\n")
    }

    @Test func causesAreWordsWithoutEqualsSigns() {
        for cause in LegacyCause.allCases {
            #expect(cause.rawValue.allSatisfy { $0.isUppercase || $0 == "_" })
        }
    }

    /// Regression for a FuzzLegacyAnswer finding: an instant past `time_t`'s range trapped.
    @Test func farInstantsStillGiveAFourLineAnswer() {
        for seconds in [9.3e18, -9.3e18, Double.infinity, -Double.infinity, Double.nan, 253_402_300_800] {
            let body = LegacyAnswer.cause(.noSuchUser).response(at: Date(timeIntervalSince1970: seconds)).bodyText
            let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 5, "\(seconds)")
            #expect(lines[1].hasPrefix("#") && lines[1].count > 20, "\(seconds)")
        }
    }

    @Test func responseIsPlainText200() {
        let response = LegacyAnswer.cause(.noSuchUser).response(at: Date(timeIntervalSince1970: 0))
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; charset=UTF-8")
        #expect(response.header("Cache-Control") == "no-store")
    }

    /// The reference's own example, in the server's time zone, and Java's name for a zone
    /// that has no abbreviation. POSIX TZ strings need no tzdata.
    @Test func dateLineFollowsJavaDateToStringInTheServerTimeZone() {
        let saved = ProcessInfo.processInfo.environment["TZ"]
        defer {
            if let saved { setenv("TZ", saved, 1) } else { unsetenv("TZ") }
            tzset()
        }
        let instant = Date(timeIntervalSince1970: 1_330_513_653)  // 2012-02-29T11:07:33Z
        setenv("TZ", "PST8PDT,M3.2.0,M11.1.0", 1)
        tzset()
        #expect(JavaDate.localString(from: instant) == "Wed Feb 29 03:07:33 PST 2012")
        setenv("TZ", "UTC0", 1)
        tzset()
        #expect(JavaDate.localString(from: instant) == "Wed Feb 29 11:07:33 UTC 2012")
        // A one-digit day of month is zero-padded, like every other field.
        #expect(JavaDate.localString(from: Date(timeIntervalSince1970: 1_330_909_506)) == "Mon Mar 05 01:05:06 UTC 2012")
        setenv("TZ", "<+0530>-5:30", 1)
        tzset()
        #expect(JavaDate.localString(from: instant) == "Wed Feb 29 16:37:33 GMT+05:30 2012")
        setenv("TZ", "<-03>3", 1)
        tzset()
        #expect(JavaDate.localString(from: Date(timeIntervalSince1970: 0)) == "Wed Dec 31 21:00:00 GMT-03:00 1969")
    }
}
