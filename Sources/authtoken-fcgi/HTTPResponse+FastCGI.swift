import AuthTokenWeb
import FastCGI

/// The one place where the web layer's response meets the FastCGI module's.
extension HTTPResponse {
    var fastCGI: FastCGIResponse {
        FastCGIResponse(status: status, headers: headers, body: body)
    }
}
