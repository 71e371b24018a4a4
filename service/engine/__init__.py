"""Answers to queries over the snapshot: pages by offset and by keyset, single records, groups.

May import: `service.query` and `service.data`. Never a web framework. The facade is
`service.engine.table.ExpenseTable`.
"""
