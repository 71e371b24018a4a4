"""Running the service: gunicorn's hooks, log lines, and the master's supervision of the data.

Nothing imports this package but `service.gunicorn_config`; it runs in the gunicorn master, so
it must not import Polars or pyarrow (they start threads that do not survive the fork).
"""
