"""`pubkit import`: articles and pamphlets from the web archives, as pubkit texts.

fetch (the only network use in pubkit) -> decode (the page's real encoding) -> article (the
article alone, its metadata and its notes; a profile per known archive) -> markdown (the
article's HTML as pubkit Markdown) -> library (files written without losing an editor's work,
and for a whole work, its manifest).
"""
