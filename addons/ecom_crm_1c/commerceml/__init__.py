"""CommerceML 2 reading and writing in plain Python (no ORM), safe against hostile input."""
from .sniff import DocumentInfo, UnsafeDocument, sniff
