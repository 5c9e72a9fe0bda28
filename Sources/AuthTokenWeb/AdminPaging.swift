/// Paging links of the administrators' lists: page numbers in the query, the rest of the
/// filter kept as it was.
struct AdminPaging {
    let page: Int
    /// Nil: not counted (activity) or more than the count limit (inventory).
    let total: Int?
    /// The words for the total when it is nil but there were more than a limit.
    var more: String?
    let hasNext: Bool
    /// The filter's query without `page`, form-encoded.
    let query: String
    let path: String

    init(path: String, query: [(String, String)], page: Int, shown: Int, total: Int?, pageSize: Int) {
        self.path = path
        self.page = page
        self.total = total
        self.query = query.filter { !$0.1.isEmpty }.map { "\($0.0)=\(FormData.encode($0.1))" }.joined(separator: "&")
        hasNext = total.map { page * pageSize < $0 } ?? (shown > pageSize)
    }

    static func page(_ form: FormData) -> Int {
        guard let text = form["page"], let number = Int(text), number >= 1, number <= 1_000_000 else { return 1 }
        return number
    }

    func link(_ page: Int) -> String {
        path + "?" + (query.isEmpty ? "" : query + "&") + "page=\(page)"
    }

    var values: [String: Any] {
        var values: [String: Any] = ["page": String(page), "filterQuery": query]
        if page > 1 { values["previous"] = link(page - 1) }
        if hasNext { values["next"] = link(page + 1) }
        if let total { values["total"] = String(total) } else if let more { values["total"] = more }
        return values
    }
}
