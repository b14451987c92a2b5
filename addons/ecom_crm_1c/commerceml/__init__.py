"""CommerceML 2 reading and writing in plain Python (no ORM), safe against hostile input."""
from .paths import UnsafePath, safe_relative_path
from .reader import read_catalog, read_documents, read_offers
from .sniff import DocumentInfo, UnsafeDocument, sniff
