/// Remembers whether an endpoint refused `response_format: json_schema`, so a judge in `auto`
/// mode asks with the schema until a refusal and parses free text from then on.
actor SchemaSupport {
    private(set) var isRefused = false

    func markRefused() { isRefused = true }
}
