"""The readers' site: a catalog of the books, a page per book, the web editions and OPDS feeds."""
