"""Passages to answers: the tokenizer, the BM25 engine, index files, build, the Searcher."""
