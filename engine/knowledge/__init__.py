"""The knowledge base (issue 17): articles with their versions, their full-text search with
Indonesian stop words, "Artikel dan tiket serupa" suggestions, reply templates, and the
figures of what they saved. It sits above the tickets (it reads solved tickets and closes
intake requests an article solved) and below the audit (verify checks its stream)."""
