"""Writers turn rendered books into files. Only epub.py imports ebooklib."""
