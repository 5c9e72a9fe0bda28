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

    /// Puts the paging links on a list's page.
    func fill(_ view: inout some PagedView) {
        view.page = String(page)
        view.filterQuery = query
        view.previous = page > 1 ? link(page - 1) : nil
        view.next = hasNext ? link(page + 1) : nil
        view.total = total.map { String($0) } ?? more
    }
}
