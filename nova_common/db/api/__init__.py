"""Small query functions, one module per table family (as Placement does).

Each function takes a RequestContext first and opens its own transaction
with ``nova_common.db.engines``; rows go out as plain dicts.
"""
