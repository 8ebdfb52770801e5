"""Services: keyword-only functions that read and write the store in one session.

They validate before they write, record every change in the history table in
the same transaction, and return plain dicts keyed by the JSON field names of
SPEC section 11.
"""
