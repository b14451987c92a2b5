"""CommerceML 2 reading and writing in plain Python (no ORM), safe against hostile input."""
from .paths import UnsafePath, safe_relative_path  # noqa: F401
from .reader import read_catalog, read_documents, read_offers  # noqa: F401
from .sniff import DocumentInfo, UnsafeDocument, sniff  # noqa: F401
