"""The characters the readers, the chunker and the renderers agree on."""

SPACES = " \t\r\n\u3000\ufeff\xa0"  # blanks a passage or a heading is trimmed of
SENTENCE_END = "。！？!?"  # a sentence's last character
CLAUSE_END = "；;：:"  # a clause's last character inside a sentence (semicolons, colons)
