import hashlib


def etag_for(content: bytes) -> str:
    """The entity tag of an answer: a digest of its bytes (the same data give the same tag, for every caller)."""
    return hashlib.sha256(content).hexdigest()[:32]
