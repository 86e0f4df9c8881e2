"""Answer questions from a folder of Chinese documents with BM25 passage search."""
