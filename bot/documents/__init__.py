"""Reading corpus files into Documents: decoding, .docx, front matter, title, outline."""
