"""The data: the field catalogue, money, the CSV file read and checked, and its snapshot.

May import: the standard library, Polars, pyarrow and orjson; nothing else of the service.
"""
