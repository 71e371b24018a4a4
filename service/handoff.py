"""What the gunicorn master hands the workers it forks, in their environment.

Why a module of its own, with no imports: the master (service/ops/data_supervisor.py) must not
import the app, and the workers (config, metrics) must read the same names it writes.
"""

#: The open descriptor of the data snapshot the master had checked and built (service/data/snapshot_store.py).
SNAPSHOT_FD = "EXPANSES_SNAPSHOT_FD"
#: How the master's last check of the data file ended and when: "loaded <unix time>" or "refused <unix time>".
DATA_CHECK = "EXPANSES_DATA_CHECK"
