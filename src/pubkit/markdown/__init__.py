"""Markdown to XHTML fragments: markdown-it-py set up for books, plus a few small rules.

- ``parser``: the MarkdownIt instance per language (smart quotes differ by language)
- ``ids``: heading ids, automatic and explicit ``{#id}``
- ``blocks``: epigraph, verse, letter and signature containers
- ``tables``: header cells only where a table has a header
- ``breaks``: long blocks marked: on paper they may break across pages
- ``spacing``: French spacing before ; : ! ?
- ``rawhtml``: the inline HTML a text may use, sanitised; everything else dropped
- ``figures``: an image alone in a paragraph becomes a figure with its caption
- ``render``: the XHTML renderer (links, notes refs, raw HTML policy)
- ``convert``: one text -> ``Converted`` (html, notes, title, links, images)
"""
